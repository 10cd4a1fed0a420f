import numpy as np

from zoo_core import geography


def test_all_levels_with_real_counts(areas):
    counts = areas["level"].value_counts().to_dict()
    assert counts == {"land": 1, "provincie": 12, "riec": 10, "gemeente": 342, "wijk": 3393, "buurt": 625}


def test_parent_chain_buurt_wijk_gemeente_provincie_land(areas):
    a = areas.set_index("area_code")
    assert a.loc["BU04890101", "parent_code"] == "WK048901"
    assert a.loc["WK048901", "parent_code"] == "GM0489"
    assert a.loc["GM0489", "parent_code"] == a.loc["GM0489", "provincie_code"] == "PV28"
    assert a.loc["PV28", "parent_code"] == geography.LAND_CODE
    assert a.loc[a["level"] == "riec", "parent_code"].eq(geography.LAND_CODE).all()


def test_relations_cover_every_published_sum(areas):
    h = geography.Hierarchy.from_areas(areas)
    rels = h.relations()
    totals = [h.areas.loc[t, "level"] for t, _ in rels]
    assert totals.count("land") == 2                      # = provincies and = RIEC regions
    assert totals.count("provincie") == 12 and totals.count("riec") == 10
    assert totals.count("gemeente") == 342
    assert totals.count("wijk") == 157                    # the Rijnmond wijken split into buurten
    members = np.concatenate([m for _, m in rels])
    assert len(members) == 12 + 10 + 342 * 2 + 3393 + 625


def test_kerncijfers_treat_cbs_secret_as_missing(kerncijfers):
    assert (kerncijfers.drop(columns="area_code").fillna(0) >= 0).all().all()
    gm = kerncijfers.set_index("area_code")
    assert gm.loc["GM0363", "ctx_inwoners"] > 900_000   # Amsterdam
    assert kerncijfers["ctx_woz"].isna().any()         # secret values stay missing, never 0


def test_neighbours_are_symmetric_and_plausible():
    n = geography.gemeente_neighbours()
    pairs = set(zip(n["gemeente_code"], n["neighbour_code"]))
    assert all((b, a) in pairs for a, b in pairs)
    assert ("GM0599", "GM0606") in pairs        # Rotterdam - Schiedam
    assert ("GM0599", "GM0014") not in pairs    # Rotterdam - Groningen


def test_national_maps_draw_fewer_points_and_keep_shared_borders(areas):
    """The national gemeente and wijk maps are simplified as one coverage: fewer points, no gaps or overlaps
    between neighbours (the areas still add up to their union), every area still there."""
    import shapely

    shapes = geography.load_shapes(areas)
    level = shapes["area_code"].map(areas.set_index("area_code")["level"])
    for name in ("gemeente", "wijk"):
        part = shapes[level == name]
        full, coarse = (shapely.from_geojson(list(part[c])) for c in ("geometry", "geometry_national"))
        assert not shapely.is_empty(coarse).any()
        assert shapely.get_num_coordinates(coarse).sum() < 0.85 * shapely.get_num_coordinates(full).sum()
        def overlap_and_union(geoms):
            geoms = shapely.make_valid(geoms)
            union = shapely.union_all(geoms).area
            return shapely.area(geoms).sum() - union, union

        (overlap, union), (overlap_full, union_full) = overlap_and_union(coarse), overlap_and_union(full)
        # The source shapes overlap a little already (0.3 % for the wijken, rounded to 4 decimals): no more.
        assert overlap - overlap_full < 0.001 * union, name
        assert abs(union - union_full) < 0.002 * union, name  # no gaps opened
    buurten = shapes[level == "buurt"]
    assert (buurten["geometry"] == buurten["geometry_national"]).all()  # never on a national map
    provincies = shapes[level == "provincie"]  # their outlines on the national maps: coarser, none lost
    full, coarse = (shapely.from_geojson(list(provincies[c])) for c in ("geometry", "geometry_national"))
    assert len(provincies) == 12 and not shapely.is_empty(coarse).any()
    assert shapely.get_num_coordinates(coarse).sum() < 0.85 * shapely.get_num_coordinates(full).sum()
    assert (abs(shapely.area(coarse) - shapely.area(full)) < 0.01 * shapely.area(full)).all()


def test_borders_draw_a_shared_border_once():
    """Two squares side by side and one apart: 4 + 3 + 4 segments, the shared side once, in closed runs."""
    left = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'
    right = '{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}'
    apart = '{"type":"MultiPolygon","coordinates":[[[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}'
    paths = geography.borders([left, right, apart])
    segments = [tuple(sorted((tuple(a), tuple(b)))) for path in paths for a, b in zip(path, path[1:])]
    assert len(segments) == 11 and len(set(segments)) == 11
    assert ((1, 0), (1, 1)) in segments
    assert paths[0] == [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]] and [[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]] in paths


def test_borders_leave_out_the_edges_against_the_background():
    """With a reach of about a pixel: the shared side stays, and so do the sides along a river narrower than
    the reach; the sides against the background (the sea, the land's edge) and the lone island go."""
    square = lambda x0, x1, y0=0, y1=1: ('{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}'  # noqa: E731
                                         % (x0, y0, x1, y0, x1, y1, x0, y1, x0, y0))
    left, right, across, island = square(0, 1), square(1, 2), square(2.05, 3), square(9, 10)
    paths = geography.borders([left, right, across, island], reach=0.1)
    segments = sorted(tuple(sorted((tuple(a), tuple(b)))) for path in paths for a, b in zip(path, path[1:]))
    assert segments == [((1, 0), (1, 1)), ((2, 0), (2, 1)), ((2.05, 0), (2.05, 1))]
    assert len(geography.borders([left, right, across, island])) == 4  # without a reach: every ring, in runs
