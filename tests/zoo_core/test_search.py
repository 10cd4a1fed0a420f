"""Gemeente search: what people type -> gemeente code (issue 13, item 13)."""
import pytest

from zoo_core import search


@pytest.fixture(scope="module")
def gemeenten(areas):
    g = areas[areas["level"] == "gemeente"]
    return dict(zip(g["area_code"], g["name"]))


@pytest.mark.parametrize("typed, code", [
    ("Den Haag", "GM0518"), ("den haag", "GM0518"), ("'s-Gravenhage", "GM0518"), ("gravenhage", "GM0518"),
    ("Den Bosch", "GM0796"), ("'s-Hertogenbosch", "GM0796"), ("hertogenbosch", "GM0796"),
    ("Sudwest", "GM1900"), ("sudwest fryslan", "GM1900"), ("Súdwest-Fryslân", "GM1900"),
    ("Noardeast", "GM1970"), ("GM0599", "GM0599"), ("gm0599", "GM0599"), ("599", "GM0599"), ("GM 599", "GM0599"),
    ("Rotterdam", "GM0599"), ("rotterdam ", "GM0599"), ("Hengelo", "GM0164"), ("Nuenen", "GM0820"),
    ("Amsterdam", "GM0363"), ("Schiermonnikoog", "GM0088"),
])
def test_resolves_what_people_type(gemeenten, typed, code):
    assert search.resolve(typed, gemeenten).code == code, search.match(typed, gemeenten)[:5]


def test_ambiguous_text_offers_the_candidates(gemeenten):
    # "Bergen": Bergen (L.), Bergen (NH.) and Bergen op Zoom all start with it
    r = search.resolve("Bergen", gemeenten)
    assert r.code is None and set(r.candidates) == {"GM0893", "GM0373", "GM0748"}
    assert search.resolve("Bergen (NH.)", gemeenten).code == "GM0373"


def test_no_match_and_empty(gemeenten):
    assert search.resolve("Atlantis", gemeenten) == search.Resolved(None, ())
    assert search.resolve("", gemeenten) == search.Resolved(None, ())
    assert search.resolve("GM9999", gemeenten).code is None


def test_fold():
    assert search.fold("  Súdwest-Fryslân ") == "sudwest fryslan"
    assert search.fold("'s-Gravenhage") == "s gravenhage"
    assert search.fold("Nuenen, Gerwen en Nederwetten") == "nuenen gerwen en nederwetten"


def test_every_alias_names_a_real_gemeente(gemeenten):
    assert set(search.ALIASES) <= set(gemeenten)


def test_ranking_is_best_first(gemeenten):
    found = search.match("den", gemeenten)
    ranks = [r for _, r in found]
    assert ranks == sorted(ranks)
    assert {"GM0400", "GM0518"} <= {c for c, r in found if r == search.PREFIX}  # Den Helder, Den Haag
    assert gemeenten["GM0400"] == "Den Helder"
