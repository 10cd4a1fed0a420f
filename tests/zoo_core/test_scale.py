"""The synthetic national buurt division (scale mode): shape of the split, not the whole scale build."""
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from zoo_core import geography, scale


@pytest.fixture(scope="module")
def split(areas, kerncijfers):
    return scale.synthetic_buurten(areas, kerncijfers)


def test_about_15000_buurten_with_unique_codes(areas, split):
    new_areas, _, _ = split
    buurten = set(areas.loc[areas["level"] == "buurt", "area_code"]) | set(new_areas["area_code"])
    assert 14_000 <= len(buurten) <= 16_000
    assert new_areas["area_code"].is_unique
    assert not set(new_areas["area_code"]) & set(areas["area_code"])  # no clash with a real code
    assert new_areas["area_code"].str.fullmatch(r"BU\w{6}\d{2}").all()


def test_every_wijk_is_split_and_every_synthetic_buurt_has_its_wijk(areas, split):
    new_areas, _, _ = split
    wijken = areas[areas["level"] == "wijk"].set_index("area_code")
    assert new_areas["parent_code"].isin(wijken.index).all()
    assert (new_areas["area_code"].str[2:8] == new_areas["parent_code"].str[2:]).all()
    parent = wijken.loc[new_areas["parent_code"]]
    assert (parent["gemeente_code"].to_numpy() == new_areas["gemeente_code"].to_numpy()).all()
    counts = new_areas.groupby("parent_code").size()
    assert counts.between(scale.MIN_PARTS, scale.MAX_PARTS).all()
    with_real = set(areas.loc[areas["level"] == "buurt", "parent_code"])
    assert set(counts.index) == set(wijken.index) - with_real
    all_areas = pd.concat([areas, new_areas], ignore_index=True)
    assert len(geography.finest_areas(all_areas).query("level == 'wijk'")) == 0


def test_additive_figures_sum_to_the_wijk(kerncijfers, split):
    new_areas, new_k, _ = split
    k = kerncijfers.set_index("area_code")
    sums = new_k.join(new_areas.set_index("area_code")["parent_code"], on="area_code") \
        .groupby("parent_code")[scale.ADDITIVE].sum(min_count=1)
    expected = k.loc[sums.index, scale.ADDITIVE]
    assert np.allclose(sums.to_numpy(), expected.to_numpy(), equal_nan=True)
    assert (new_k[scale.ADDITIVE].fillna(0) >= 0).all().all()
    assert (new_k[scale.ADDITIVE].fillna(0) % 1 == 0).all().all()  # whole persons and woningen


def test_split_is_deterministic(areas, kerncijfers, split):
    again, _, _ = scale.synthetic_buurten(areas, kerncijfers)
    assert again.equals(split[0])


def test_strips_cover_the_polygon():
    poly = box(0, 0, 4, 1).union(box(6, 0, 7, 1))  # a multipolygon with a gap
    parts = scale._strips(poly, 5)
    assert len(parts) == 5 and all(not p.is_empty for p in parts)
    assert all(p.within(poly.buffer(1e-9)) for p in parts)


def test_split_integers():
    totals = np.array([10.0, np.nan, 7.0])
    groups = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    parts = scale.split_integers(totals, groups, np.array([1.0, 1.0, 1.0, 1.0, 2.0, 0.5, 1.0, 1.5, 1.0]))
    assert parts[:3].sum() == 10 and set(parts[:3]) <= {3, 4}
    assert np.isnan(parts[3:5]).all()
    assert parts[5:].sum() == 7 and (parts[5:] % 1 == 0).all()
