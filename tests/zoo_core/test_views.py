"""The view objects: hostile URL parameters give a warning and the default, never an exception, and a
view written to the URL reads back as the same view. The one place the hostile cases are tested
(tests/ui/test_hostile_params.py runs each page kind once with all of them)."""
from __future__ import annotations

import dataclasses
import zlib

import pytest

from zoo_core import catalogue, combine, profile, reference, views
from zoo_core.queries import Release

HOSTILE_VALUES = [
    "'; DROP TABLE cells; --",
    "x" * 10_000,
    "ïñdîcätör 🚨",
    "../../etc/passwd",
    "{'a': 1}",
    "nonexistent_code",
    "1900",
    "2020.5",
    "-1",
    "9" * 10_000,
    "2020 OR 1=1",
    "<script>alert(1)</script>",
    "GM0363' OR '1'='1",
    "\x00",
    "Ａｍｓｔｅｒｄａｍ",
    "%00%27",
    "é" * 5000,
    "96021; DELETE FROM cells",
    "<img src=x onerror=alert(1)>",
]
# Values that are valid somewhere, but not for this parameter (or not in this combination).
WRONG_PLACE = [
    ("theme", "level", "provincie"), ("theme", "level", "BUURT"), ("theme", "ref", "gemeente"),
    ("theme", "gemeente", "GM9999"), ("theme", "gemeente", "NL01"), ("theme", "area", "WK999999"),
    ("theme", "kenmerk", "dr_verdachten"), ("theme", "sbi", "99999"), ("theme", "year", "2031"),
    ("combine", "scope", "buurten"), ("combine", "sbi_y", "4742x"), ("combine", "log", "yes"),
    ("profile", "ref", "gemeente"), ("profile", "naast", "GM9999"),
]


class FakeChoices:
    """A small release: three gemeenten; Rotterdam has wijken and buurten, the others wijken only."""

    GEMEENTEN = frozenset({"GM0363", "GM0599", "GM0344"})

    def gemeenten(self):
        return self.GEMEENTEN

    def years(self, indicator):
        return list(catalogue.get(indicator).years)

    def sub_levels(self, gemeente):
        return ["wijk", "buurt"] if gemeente == "GM0599" else ["wijk"]

    def area_codes(self, level, within):
        by_level = {"gemeente": set(self.GEMEENTEN), "wijk": {"WK059901", "WK0363AA"}, "buurt": {"BU05990110"}}
        if level is None:
            return frozenset().union(*by_level.values())
        return frozenset(by_level[level])


CHOICES = FakeChoices()
# The theme page of a parameter: only the branches page reads sbi, only the drugs page a kenmerk.
THEME_READING = {"sbi": "branches", "kenmerk": "drugs"}


def _parse(kind: str, params: dict, key: str = ""):
    if kind == "theme":
        return views.ThemeView.parse(THEME_READING.get(key, "branches"), params, CHOICES)
    return {"combine": views.CombineView, "profile": views.ProfileView}[kind].parse(params, CHOICES)


# What a parameter needs beside it to be read at all (the default X has no branches).
BESIDE = {("combine", "sbi_x"): {"x": "br_vestigingen_per_10k"}}


def _default(kind, key=""):
    return _parse(kind, dict(BESIDE.get((kind, key), {})), key)[0]


def _cases():
    for kind in views.PARAMS:
        for key in views.PARAMS[kind]:
            for value in HOSTILE_VALUES:
                yield pytest.param(kind, key, value, id=f"{kind}-{key}-{zlib.crc32(value.encode()):08x}")
    for kind, key, value in WRONG_PLACE:
        yield pytest.param(kind, key, value, id=f"{kind}-{key}-{value}")


@pytest.mark.parametrize("kind, key, value", list(_cases()))
def test_a_hostile_value_gives_a_warning_and_the_default(kind, key, value):
    view, warnings = _parse(kind, {**BESIDE.get((kind, key), {}), key: value}, key)
    assert len(warnings) == 1, warnings
    assert "Ongeldige" in warnings[0] or "Onbekende" in warnings[0]
    assert len(warnings[0]) < 200 and "<" not in warnings[0] and "\x00" not in warnings[0]
    expected = _default(kind, key)
    if key == "ref" and kind == "theme":
        expected = dataclasses.replace(expected, ref=reference.default_group(view.level))
    assert view == expected
    written = view.to_params()
    assert written.get(key) != value
    assert _parse(kind, written, key) == (view, [])


def test_no_warning_for_a_valid_code_of_another_theme():
    """A link from another theme's page (an old bookmark) is not an attack: default, no warning."""
    view, warnings = views.ThemeView.parse("vastgoed", {"indicator": "tr_fiu_per_1000"}, CHOICES)
    assert warnings == [] and view.indicator == views.default_indicator("vastgoed")


def test_a_view_reads_back_from_its_own_link():
    view = views.ThemeView("branches", "br_omzet_per_inwoner", 2022, "GM0599", "buurt", "96022",
                           "gemeente", (), "BU05990110")
    assert catalogue.get(view.indicator).has_branches
    assert views.ThemeView.parse("branches", view.to_params(), CHOICES) == (view, [])
    own = views.ThemeView("branches", view.indicator, 2022, "GM0363", sbi="96021", ref="eigen",
                          kies=("GM0599", "GM0344"))
    assert own.to_params()["kies"] == "GM0599,GM0344"
    assert views.ThemeView.parse("branches", own.to_params(), CHOICES) == (own, [])
    pair = views.CombineView("tr_fiu_per_1000", "br_vestigingen_per_10k", 2023, "GM0599", "", "96021",
                             "gemeente_buurten", True, ("BU05990110",))
    assert views.CombineView.parse(pair.to_params(), CHOICES) == (pair, [])
    side = views.ProfileView("GM0363", "eigen", ("GM0599",), "GM0344")
    assert views.ProfileView.parse(side.to_params(), CHOICES) == (side, [])
    assert side.beside == views.ProfileView("GM0344", "eigen", ("GM0599",))


def test_defaults_and_the_shared_gemeente():
    theme = _default("theme")
    assert theme.gemeente == views.DEFAULT_GEMEENTE == _default("combine").gemeente == _default("profile").gemeente
    assert theme.indicator == views.default_indicator("branches") and theme.level == "gemeente"
    assert theme.year == max(catalogue.get(theme.indicator).years)
    assert _default("profile").ref == profile.DEFAULT_REFERENCE
    assert _default("combine").scope == combine.DEFAULT_SCOPE
    # The gemeente chosen on another page wins over the default, a link's gemeente over both.
    assert views.ProfileView.parse({}, CHOICES, "GM0344")[0].gemeente == "GM0344"
    assert views.ProfileView.parse({"gemeente": "GM0363"}, CHOICES, "GM0344")[0].gemeente == "GM0363"
    assert views.ProfileView.parse({}, CHOICES, "GM9999")[0].gemeente == views.DEFAULT_GEMEENTE


def test_levels_follow_the_gemeente_and_the_reference_follows_the_level():
    view, warnings = views.ThemeView.parse("transacties", {"level": "buurt", "gemeente": "GM0363"}, CHOICES)
    assert view.level == "gemeente" and len(warnings) == 1  # Amsterdam has no buurten
    view, warnings = views.ThemeView.parse("transacties", {"level": "buurt", "gemeente": "GM0599"}, CHOICES)
    assert (view.level, view.ref, warnings) == ("buurt", reference.default_group("buurt"), [])
    assert view.within == "GM0599"


def test_lists_keep_known_codes_in_order_without_repeats():
    view, warnings = views.ProfileView.parse({"ref": "eigen", "kies": "GM0599,GM9999,GM0363,GM0599"}, CHOICES)
    assert view.kies == ("GM0599", "GM0363") and len(warnings) == 1
    long = ",".join(["GM0599"] * 100)
    assert views.CombineView.parse({"sel": long}, CHOICES)[0].sel == ("GM0599",)


def test_a_selection_too_long_for_a_link_is_left_out_of_it():
    codes = tuple(f"WK{n:06d}" for n in range(views.MAX_LINKED_SELECTION + 1))
    pair = dataclasses.replace(_default("combine"), sel=codes)
    assert "sel" not in pair.to_params()
    assert dataclasses.replace(pair, sel=codes[:-1]).to_params()["sel"] == ",".join(codes[:-1])


def test_cache_keys_leave_out_what_does_not_change_the_result():
    view = views.ThemeView("drugs", "dr_verdachten_per_1000", 2024, "GM0599", area="GM0599",
                           kenmerk="dr_verdachten_leeftijd")
    assert view.table_key == dataclasses.replace(view, area="GM0363", kenmerk="").table_key
    assert view.trend_key == dataclasses.replace(view, year=2020).trend_key
    assert view.trend_key != dataclasses.replace(view, area="GM0363").trend_key
    pair = _default("combine")
    assert pair.pairs_key == dataclasses.replace(pair, log=True, sel=("GM0599",)).pairs_key
    assert pair.spec_key != dataclasses.replace(pair, log=True).spec_key
    assert hash(view) == hash(dataclasses.replace(view))  # frozen: usable as a key


def test_release_choices_agree_with_the_release(release_db):
    """The choices a parser sees in tests are the release's: gemeenten, years, levels, areas."""
    rel = Release(release_db)
    choices = views.ReleaseChoices(rel)
    assert len(choices.gemeenten()) == 342 and views.DEFAULT_GEMEENTE in choices.gemeenten()
    assert choices.sub_levels("GM0599") == ["wijk", "buurt"] and choices.sub_levels("GM0363") == ["wijk"]
    assert choices.years("tr_fiu_per_1000") == rel.years("tr_fiu_per_1000")
    view, warnings = views.ThemeView.parse("transacties", {"level": "wijk", "area": "WK0363AA"}, choices, "GM0363")
    assert warnings == [] and (view.level, view.area) == ("wijk", "WK0363AA")
    assert views.ThemeView.parse("transacties", {"level": "wijk", "area": "WK059901"}, choices, "GM0363")[0].area is None
