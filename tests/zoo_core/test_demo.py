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
        part = base[base["measure"] == code]
        assert set(part["year"]) == set(catalogue.DEMO_YEARS)
        if m.flow_of:  # gemeente x gemeente: test_every_flow_row_adds_up_to_its_gemeente
            continue
        classes = {c for b in m.breakdowns for c in catalogue.BREAKDOWNS[b].class_codes}
        assert set(part["sbi"]) == (set(m.branches) or classes or {""})
        assert part.groupby(["year", "sbi"]).size().eq(len(areas)).all(), code


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
