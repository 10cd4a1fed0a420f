import numpy as np
import pandas as pd
import pytest

from zoo_core import catalogue, demo, geography


@pytest.fixture(scope="module")
def base(areas, kerncijfers):
    return demo.generate_base(areas, kerncijfers)


def test_deterministic_for_a_seed(areas, kerncijfers):
    a = demo.generate_finest(areas, kerncijfers, seed=7)
    b = demo.generate_finest(areas, kerncijfers, seed=7)
    c = demo.generate_finest(areas, kerncijfers, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["value"].equals(c["value"])


def test_every_measure_year_and_branche_on_every_area(base, areas):
    for code, m in catalogue.BASE_MEASURES.items():
        levels = catalogue.family_levels(m.breakdown_of or code)  # vakantieparken: gemeente and up
        on = areas[areas["level"].isin(levels)]
        part = base[base["measure"] == code]
        assert set(part["year"]) == set(catalogue.DEMO_YEARS)
        if m.flow_of:  # gemeente x gemeente: test_every_flow_row_adds_up_to_its_gemeente
            continue
        classes = {c for b in m.breakdowns for c in catalogue.BREAKDOWNS[b].class_codes}
        assert set(part["sbi"]) == (set(m.branches) or classes or {""})
        assert part.groupby(["year", "sbi"]).size().eq(len(on)).all(), code
        assert set(part["area_code"]) == set(on["area_code"]), code


def test_every_flow_row_adds_up_to_its_gemeente(base, areas):
    """Per woongemeente the flows add up to its drugsverdachten, those to other gemeenten to the count
    elsewhere; most of them stay near home (the pull falls with distance)."""
    flow = catalogue.flow_table()
    gem = set(areas.loc[areas["level"] == "gemeente", "area_code"])
    rows = base[base["measure"] == flow.family]
    assert set(rows["area_code"]) == gem and set(rows["sbi"]) <= gem
    by = base[base["sbi"] == ""].set_index(["measure", "year", "area_code"])["value"]
    for (year, g), row in rows.groupby(["year", "area_code"]):
        assert row["value"].sum() == by[(flow.total_family, year, g)], (year, g)
        assert row.loc[row["sbi"] != g, "value"].sum() == by[(flow.elsewhere_family, year, g)], (year, g)
    neighbours = geography.gemeente_neighbours()
    pairs = set(zip(neighbours["gemeente_code"], neighbours["neighbour_code"]))
    away = rows[rows["sbi"] != rows["area_code"]]
    near = away[[p in pairs for p in zip(away["area_code"], away["sbi"])]]["value"].sum()
    assert near / away["value"].sum() > 0.4


def test_every_breakdown_adds_up_to_its_total_on_every_area(base):
    for code, m in catalogue.BASE_MEASURES.items():
        if not m.breakdown_of:
            continue
        total = base[(base["measure"] == m.breakdown_of)].set_index(["year", "area_code"])["value"]
        for b in m.breakdowns:
            part = base[(base["measure"] == code) & base["sbi"].isin(catalogue.BREAKDOWNS[b].class_codes)]
            sums = part.groupby(["year", "area_code"])["value"].sum()
            assert len(sums) == len(total), (code, b)
            assert (sums.reindex(total.index) == total).all(), (code, b)
    suspects = base[(base["measure"] == "drugsverdachten_kenmerken") & (base["area_code"] == "NL01")
                    & (base["year"] == 2024)].set_index("sbi")["value"]
    assert 0.80 < suspects["man"] / (suspects["man"] + suspects["vrouw"]) < 0.92  # SUSPECT_MALE = 0.86


def _value(base, measure, year, code, sbi=""):
    row = base[(base["measure"] == measure) & (base["year"] == year) & (base["sbi"] == sbi) & (base["area_code"] == code)]
    return row.iloc[0]


def test_hierarchy_adds_up_exactly(base, areas):
    h = geography.Hierarchy.from_areas(areas)
    part = base[(base["measure"] == "hennep") & (base["year"] == 2022)].set_index("area_code").reindex(areas["area_code"])
    values = part["value"].to_numpy()
    for total, members in h.relations():
        assert values[total] == values[members].sum()


def test_magnitudes_carry_units_and_top_contributions(base):
    omzet = base[base["measure"] == "omzet"]
    assert (omzet["top1"] >= omzet["top2"]).all()
    assert (omzet["top1"] + omzet["top2"] <= omzet["value"] + 1e-6).all()
    # the number of contributors of turnover is the number of establishments
    shops = base[base["measure"] == "vestigingen"].set_index(["year", "sbi", "area_code"])["value"]
    units = omzet.set_index(["year", "sbi", "area_code"])["n_units"]
    assert (units == shops.reindex(units.index)).all()
    nl = _value(base, "omzet", 2024, geography.LAND_CODE, "96021")
    assert nl["top1"] == omzet[(omzet["year"] == 2024) & (omzet["sbi"] == "96021")]["top1"].max()


def test_plausible_national_totals(base):
    nl = base[base["area_code"] == geography.LAND_CODE].set_index(["measure", "year", "sbi"])["value"]
    assert 150_000 < nl[("verkochte_woningen", 2024, "")] < 350_000
    assert 20_000 < nl[("vestigingen", 2024, "96021")] < 60_000      # kappers
    assert nl[("hennep", 2024, "")] < nl[("hennep", 2019, "")]         # documented downward trend
    assert nl[("fiu_transacties", 2024, "")] > nl[("fiu_transacties", 2019, "")]


def test_suspicious_transactions_co_occur_with_kappers_density(base, kerncijfers):
    wijk = base[(base["year"] == 2024) & base["area_code"].str.startswith("WK")]
    pop = kerncijfers.set_index("area_code")["ctx_inwoners"]
    fiu = wijk[wijk["measure"] == "fiu_transacties"].set_index("area_code")["value"]
    kappers = wijk[(wijk["measure"] == "vestigingen") & (wijk["sbi"] == "96021")].set_index("area_code")["value"]
    df = pd.DataFrame({"fiu": fiu / pop, "kappers": kappers / pop}).replace([np.inf], np.nan).dropna()
    df = df[pop.reindex(df.index) > 1000]
    assert df["fiu"].corr(df["kappers"], method="spearman") > 0.2


# --- Vakantieparken ---------------------------------------------------------------------------------

VP = ("vp_natuurlijke_personen", "vp_rechtspersonen", "vp_woningbezit_elders", "vp_alleenstaande_ouders_schulden")


@pytest.fixture(scope="module")
def parks(areas, kerncijfers):
    return demo.park_context_cells(areas, kerncijfers, demo.DEFAULT_SEED).pivot(
        index="area_code", columns="indicator", values="value")


def _vp(base, measure):
    return base[base["measure"] == measure].set_index(["year", "area_code"])["value"]


def test_park_context_is_public_per_gemeente_and_up_and_adds_up(parks, areas):
    levels = areas.set_index("area_code")["level"]
    assert set(levels.reindex(parks.index)) == set(catalogue.GEMEENTE_AND_UP)
    gem = areas[areas["level"] == "gemeente"]
    for code in ("vp_parken", "vp_adressen"):
        assert parks.loc[gem["area_code"], code].sum() == parks.loc[geography.LAND_CODE, code]
    n = parks.loc[gem["area_code"], "vp_parken"]
    assert 0.2 < (n == 0).mean() < 0.5             # about a third of the gemeenten have none
    assert 1_000 < n.sum() < 4_000
    assert (parks.loc[gem["area_code"], "vp_adressen"] >= 11 * n).all()  # 10 + lognormal per park
    big = gem.assign(n=n.to_numpy()).groupby("provincie_code")["n"].mean()
    assert big["PV25"] > big["PV28"] and big["PV22"] > big["PV27"]  # Veluwe, Drenthe vs Randstad
    stedelijk = geography.load_kerncijfers().set_index("area_code")["ctx_stedelijkheid"].reindex(gem["area_code"])
    assert (n[stedelijk.to_numpy() == 1] == 0).all()


def test_gemeenten_without_parks_have_no_registrations(base, parks, areas):
    gem = areas.loc[areas["level"] == "gemeente", "area_code"]
    without = set(gem[parks.loc[gem, "vp_adressen"].to_numpy() == 0])
    assert without
    for measure in VP:
        v = _vp(base, measure)
        assert (v[v.index.get_level_values("area_code").isin(without)] == 0).all(), measure
        assert v.sum() > 0, measure


def test_subgroups_are_at_most_the_registered_persons(base):
    persons = _vp(base, "vp_natuurlijke_personen")
    for measure in ("vp_woningbezit_elders", "vp_alleenstaande_ouders_schulden"):
        sub = _vp(base, measure).reindex(persons.index)
        assert (sub <= persons).all(), measure
        assert 0 < sub.sum() < persons.sum()
    nl = persons.xs(geography.LAND_CODE, level="area_code")
    assert nl[2024] > nl[2019]                    # documented upward trend of permanent living


def test_park_figures_are_determined_by_the_seed(areas, kerncijfers):
    a = demo.holiday_parks(areas, kerncijfers, 7)
    b = demo.holiday_parks(areas, kerncijfers, 7)
    c = demo.holiday_parks(areas, kerncijfers, 8)
    assert np.array_equal(a.gemeente, b.gemeente) and np.array_equal(a.addresses, b.addresses)
    assert not (len(a.gemeente) == len(c.gemeente) and np.array_equal(a.addresses, c.addresses))
    f7 = pd.concat(demo._holiday_park_frames(areas, kerncijfers, 7))
    pd.testing.assert_frame_equal(f7, pd.concat(demo._holiday_park_frames(areas, kerncijfers, 7)))


def test_the_park_stream_leaves_the_other_figures_unchanged(areas, kerncijfers, monkeypatch):
    """The vakantieparken have their own random streams: without them the other themes' figures are the same."""
    finest = demo.generate_finest(areas, kerncijfers, seed=7)
    monkeypatch.setattr(demo, "_holiday_park_frames", lambda *a: [])
    without = demo.generate_finest(areas, kerncijfers, seed=7)
    other = finest[~finest["measure"].isin(VP)].reset_index(drop=True)
    pd.testing.assert_frame_equal(other, without)
    assert set(finest["measure"]) - set(other["measure"]) == set(VP)
