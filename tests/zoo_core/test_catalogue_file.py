"""A deployment's own themes and indicators from a TOML file: what a valid file adds, and the message
that names file, entry and field for each bad one (nothing is added then)."""
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE, REPO
from zoo_core import catalogue, catalogue_file, settings
from zoo_core.catalogue_file import CatalogueError

EXAMPLE_TOML = EXAMPLE / "indicators.toml"

THEME = '[[theme]]\ncode = "eigen"\nname = "Eigen cijfers"\n\n'
COUNT = {"code": "eg_xyz", "theme": "eigen", "name": "Iets (aantal)", "definition": "Een telling.", "unit": "stuks",
         "kind": "count", "levels": ["gemeente", "wijk"], "years": [2023, 2024], "source": "Gemeente X",
         "disclosure": "confidential", "unit_type": "persons", "base": "xyz.csv"}
RATE = {"code": "eg_xyz_per_1000", "theme": "eigen", "name": "Iets per 1.000 inwoners", "definition": "Per 1.000.",
        "unit": "per 1.000 inwoners", "kind": "rate", "levels": ["gemeente"], "years": [2024], "source": "Gemeente X",
        "disclosure": "confidential", "unit_type": "persons", "numerator": "eg_xyz", "denominator": "ctx_inwoners",
        "per": 1000}
PUBLIC = {"code": "eg_open", "theme": "eigen", "name": "Open tabel", "definition": "Gepubliceerd.", "unit": "stuks",
          "kind": "count", "levels": ["gemeente"], "years": [2024], "source": "Gemeente X", "disclosure": "public"}


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return str(v)


def write(tmp_path, *indicators, theme=THEME):
    text = theme + "".join("[[indicator]]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in ind.items()) + "\n"
                           for ind in indicators)
    path = tmp_path / "indicators.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_adds_its_theme_and_indicators(declared):
    before = set(catalogue.INDICATORS)
    added = declared(EXAMPLE_TOML)
    assert added == ["eg_sluitingen", "eg_meldingen", "eg_meldingen_per_1000"]
    assert set(catalogue.INDICATORS) == before | set(added)
    assert catalogue.declared_themes() == ["eigen"] and catalogue.THEMES["eigen"] == "Eigen cijfers gemeente"
    count = catalogue.get("eg_meldingen")
    assert (count.theme, count.kind, count.unit_type, count.family, count.levels, count.years, count.licence) == \
           ("eigen", "count", "addresses", "eg_meldingen", ("gemeente", "wijk"), (2023, 2024), "CC BY 4.0")
    assert [i.code for i in catalogue.for_theme("eigen")] == added
    measure = catalogue.BASE_MEASURES["eg_meldingen"]
    assert measure.base_file == str(EXAMPLE / "meldingen.csv") and measure.at_most == "ctx_woningvoorraad"
    assert measure.years == (2023, 2024) and "eg_meldingen" in catalogue.family_order()
    rate = catalogue.get("eg_meldingen_per_1000")
    assert rate.family == "eg_meldingen" and rate.denominator == "ctx_woningvoorraad" and rate.per == 1000
    assert [i.code for i in catalogue.family_members("eg_meldingen")] == ["eg_meldingen", "eg_meldingen_per_1000"]
    public = catalogue.get("eg_sluitingen")
    assert public.family == "" and public.numerator == "eg_sluitingen" and "eg_sluitingen" not in catalogue.BASE_MEASURES


def test_without_the_file_the_catalogue_is_the_built_in_one():
    assert catalogue.declared_themes() == [] and not any(m.base_file for m in catalogue.BASE_MEASURES.values())


def changed(entry: dict, **kw) -> dict:
    out = {**entry, **kw}
    return {k: v for k, v in out.items() if v is not None}


BAD = [  # (indicators, the last one bad; the message after "<file>, [[indicator]] '<its code>': ")
    ([changed(COUNT, kind="cnt")], "field 'kind' must be one of count, sum, rate, percentage, mean, class; got 'cnt'"),
    ([changed(COUNT, code="Eg-XYZ")], "field 'code' must be a lowercase identifier"),
    ([changed(COUNT, code="tr_fiu")], "field 'code' 'tr_fiu' is a built-in code; choose another code"),
    ([changed(COUNT, code="hennep")], "field 'code' 'hennep' is a built-in code"),
    ([COUNT, changed(COUNT, base="other.csv")], "field 'code' 'eg_xyz' occurs twice in the file"),
    ([changed(COUNT, theme="elders")], "field 'theme' must be one of vastgoed, drugs, transacties, branches, "
                                       "criminaliteit, vakantieparken, eigen; got 'elders'"),
    ([changed(COUNT, theme="context")], "field 'theme' 'context' is reserved"),
    ([changed(COUNT, levels=["gemeente", "stad"])], "field 'levels' must be a list of different levels out of land, "
                                                    "provincie, riec, gemeente, wijk, buurt; got ['gemeente', 'stad']"),
    ([changed(COUNT, levels=[])], "field 'levels' must be a list"),
    ([changed(COUNT, years=[1999, 2024])], "field 'years' must be a list of different years (2000-2100)"),
    ([changed(COUNT, years="2024")], "field 'years' must be a list"),
    ([changed(COUNT, demo="ja")], "field 'demo' must be true or false; got 'ja'"),
    ([changed(COUNT, name=None)], "field 'name' is missing"),
    ([changed(COUNT, name="  ")], "field 'name' must be a non-empty text"),
    ([changed(COUNT, colour="rood")], "field 'colour' is unknown; expected one of code, theme, name"),
    ([changed(COUNT, disclosure="geheim")], "field 'disclosure' must be one of public, confidential; got 'geheim'"),
    ([changed(COUNT, disclosure=None)], "field 'disclosure' is missing"),
    ([changed(COUNT, unit_type=None)], "field 'unit_type' must be one of persons, addresses, establishments, euros; "
                                       "got None"),
    ([changed(COUNT, unit_type="euros")], "field 'unit_type' cannot be 'euros' for a count"),
    ([changed(COUNT, kind="mean")], "field 'kind' must be count or sum for base figures"),
    ([changed(COUNT, denominator="ctx_inwoners")], "field 'denominator' is not used for base figures"),
    ([changed(COUNT, at_most="vg_verkochte_woningen")], "field 'at_most' must be a public context count"),
    ([changed(COUNT, decimals=9)], "field 'decimals' must be a whole number from 0 to 6; got 9"),
    ([changed(COUNT, base=None)], "field 'base' is missing: a confidential count needs its base figures"),
    ([COUNT, PUBLIC, changed(RATE, numerator="eg_open")], "field 'numerator' of a confidential rate must be a "
                                                          "confidential count of this file"),
    ([COUNT, changed(RATE, numerator="eg_niets")], "field 'numerator' names an unknown indicator 'eg_niets'"),
    ([COUNT, changed(RATE, denominator="eg_xyz")], "field 'denominator' of a confidential rate must be a public "
                                                   "context count"),
    ([COUNT, changed(RATE, per=None)], "field 'per' is missing: a rate needs numerator, denominator and per"),
    ([COUNT, changed(RATE, per=0)], "field 'per' must be a number > 0"),
    ([COUNT, changed(RATE, unit_type="addresses")], "field 'unit_type' must be that of its numerator ('persons')"),
    ([COUNT, changed(RATE, years=[2022])], "field 'years' must be years of its numerator 'eg_xyz' (2023, 2024)"),
    ([changed(PUBLIC, base="open.csv")], "field 'base' is only for confidential base figures"),
    ([changed(PUBLIC, kind="rate", numerator="eg_open")], "field 'denominator' is missing: a rate needs"),
]


@pytest.mark.parametrize("indicators, message", BAD, ids=[m.split("'")[1] + ":" + str(i) for i, (_, m) in
                                                          enumerate(BAD)])
def test_a_bad_field_is_named_with_file_and_entry_and_nothing_is_added(tmp_path, declared, indicators, message):
    path = write(tmp_path, *indicators)
    before = (dict(catalogue.THEMES), dict(catalogue.INDICATORS), dict(catalogue.BASE_MEASURES))
    with pytest.raises(CatalogueError) as err:
        declared(path)
    text = str(err.value)
    assert text.startswith(f"{path}, [[indicator]] {indicators[-1]['code']!r}: "), text
    assert message in text, text
    assert (catalogue.THEMES, catalogue.INDICATORS, catalogue.BASE_MEASURES) == before  # all or nothing


def test_a_file_in_the_repository_is_named_as_the_deployment_writes_it(tmp_path, declared, monkeypatch):
    monkeypatch.setattr(catalogue_file, "REPO", tmp_path)  # as if tmp_path were the checkout
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "indicators.toml"
    path.write_text(THEME + '[[indicator]]\ncode = "xyz"\nkind = "cnt"\n', encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        declared(path)
    assert str(err.value).startswith("data/indicators.toml, [[indicator]] 'xyz': field ")


@pytest.mark.parametrize("theme, message", [
    ('[[theme]]\ncode = "drugs"\nname = "Dubbel"\n', "[[theme]] 'drugs': field 'code' 'drugs' is already a theme or page"),
    ('[[theme]]\ncode = "profiel"\nname = "Pagina"\n', "[[theme]] 'profiel': field 'code' 'profiel' is already a theme"),
    ('[[theme]]\ncode = "eigen"\n', "[[theme]] 'eigen': field 'name' is missing"),
    (THEME + '[[theme]]\ncode = "leeg"\nname = "Leeg"\n', "[[theme]] 'leeg': no [[indicator]] has this theme"),
    ('[theme]\ncode = "eigen"\n', "'theme' must be written as [[theme]] (a list of tables)"),
    ('[[thema]]\ncode = "eigen"\n', "unknown table 'thema'; expected [[theme]] and [[indicator]]"),
    ('[[theme]\ncode = "eigen"\n', "not valid TOML (Expected ']]' at the end of an array declaration (at line 1, column 8))"),
])
def test_bad_themes_and_a_broken_file_are_named(tmp_path, declared, theme, message):
    path = write(tmp_path, COUNT, theme=theme)
    with pytest.raises(CatalogueError) as err:
        declared(path)
    assert str(err.value).startswith(f"{path}") and message in str(err.value), str(err.value)


def test_the_setting_reads_the_default_only_if_it_exists_and_a_named_file_must_exist(tmp_path):
    assert settings.INDICATORS.default.endswith("data/indicators.toml")
    env = {**os.environ, "ZOO_INDICATORS": str(tmp_path / "missing.toml")}
    run = subprocess.run([sys.executable, "-c", "import zoo_core.catalogue"], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode != 0 and "missing.toml: ZOO_INDICATORS names an indicator file that does not exist" in run.stderr


def test_the_command_line_refuses_a_bad_file_with_the_message_only(tmp_path):
    path = write(tmp_path, changed(COUNT, kind="cnt"))
    env = {**os.environ, "ZOO_INDICATORS": str(path)}
    run = subprocess.run([sys.executable, "-m", "zoo_core", "info", "--db", str(tmp_path / "none.duckdb")], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip() == (f"zoo: {path}, [[indicator]] 'eg_xyz': field 'kind' must be one of count, sum, rate, "
                                  "percentage, mean, class; got 'cnt'")


def test_the_command_line_reads_a_good_file(tmp_path, own_release):
    env = {**os.environ, "ZOO_INDICATORS": str(EXAMPLE_TOML)}
    run = subprocess.run([sys.executable, "-m", "zoo_core", "info", "--json", "--db", str(own_release)], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    names = {i["code"]: (i["name"], i["theme"]) for i in json.loads(run.stdout)["indicators"]}
    assert names["eg_meldingen"] == ("Meldingen van mogelijke ondermijning (aantal)", "eigen")
