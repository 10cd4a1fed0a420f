"""The release database: what zoo publishes, in one DuckDB file.

Tables: release_info(key, value), areas, indicators, cells(indicator, year, area_code, sbi, value,
status), shapes(area_code, geometry, geometry_national: the national maps' simplification), neighbours(gemeente_code, neighbour_code),
suppression_report, ingested(indicator, year, file, rows, ingested_at).

Files are always written whole to a temporary name next to the target and renamed into place, so a
reader never sees a half-written release and a failed write leaves the old file untouched.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from . import catalogue, settings, statuses

REPO = Path(__file__).resolve().parent.parent
DEFAULT_RELEASE = Path(settings.RELEASE.default)
# The confidential base stays with the build: outside data/, which is what a deployment copies.
DEFAULT_BASE = REPO / "build" / "base.duckdb"
STATUSES = statuses.ALL
CBS_SYMBOL = statuses.SYMBOL
SCHEMA_VERSION = "1"
ATTACHED_AS = "rel"  # catalog name of the release inside a read-only connection


class ReleaseError(RuntimeError):
    """The release database is missing, unreadable or not a zoo release.

    `str(exc)` is for the operator (CLI, server log): it names the file. `problem` is the same finding
    without the path, for a visitor of the app, who has no business knowing the server's folders."""

    def __init__(self, message: str, problem: str = "is niet te lezen") -> None:
        super().__init__(message)
        self.problem = problem


def rebuild_command() -> str:
    """The build command as it works from the project folder: the project's own virtualenv when this
    Python is that one (a bare `python` outside it lacks the packages), plain `python` elsewhere (the
    container's Python has them)."""
    in_project_venv = Path(sys.prefix).resolve() == (REPO / ".venv").resolve()
    return f"{'.venv/bin/python' if in_project_venv else 'python'} -m zoo_core build"


def release_path() -> Path:
    """The release the app serves: $ZOO_DB or data/release.duckdb."""
    return Path(settings.RELEASE.get())


def indicators_frame() -> pd.DataFrame:
    rows = []
    for i in catalogue.INDICATORS.values():
        rows.append({"indicator": i.code, "theme": i.theme, "name": i.name, "unit": i.unit, "kind": i.kind,
                     "numerator": i.numerator or "", "denominator": i.denominator or "",
                     "per": i.per, "unit_type": i.unit_type, "demo": i.demo, "definition": i.definition,
                     "source": i.source, "caveat": i.caveat, "decimals": i.decimals,
                     "levels": ",".join(i.levels), "years": ",".join(map(str, i.years)),
                     "branches": ",".join(i.branches)})
    return pd.DataFrame(rows)


@contextmanager
def atomic_duckdb(target: Path, copy_from: Path | None = None):
    """Yield a connection to a fresh temporary DuckDB file; rename it over `target` only on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        if copy_from is not None:
            shutil.copyfile(copy_from, tmp)
        con = duckdb.connect(str(tmp))
        try:
            yield con
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            if leftover.exists():
                leftover.unlink()


FLOW_COLUMNS = ["flow", "year", "woon_code", "pleeg_code", "value", "status"]


def write_release(target: Path, *, areas, cells, shapes, neighbours, info: dict, reports: pd.DataFrame,
                  flows: pd.DataFrame | None = None) -> None:
    """`flows`: the published origin x destination tables (catalogue.FLOWS), FLOW_COLUMNS; pleeg_code
    FlowTable.OTHER holds a row's other pleeggemeenten together, woon_code OTHER a column's other
    woongemeenten, woon_code FlowTable.ALL a column's total (pleeg_code ALL too: all flows)."""
    cells = cells[["indicator", "year", "area_code", "sbi", "value", "status"]].copy()
    cells["year"] = cells["year"].astype("int32")
    flows = pd.DataFrame(columns=FLOW_COLUMNS) if flows is None else flows[FLOW_COLUMNS].copy()
    flows = flows.astype({"flow": str, "year": "int32", "woon_code": str, "pleeg_code": str, "value": "float64",
                          "status": str})
    if "geometry_national" not in shapes:  # a division without a national simplification (scale mode)
        shapes = shapes.assign(geometry_national=shapes["geometry"])
    with atomic_duckdb(target) as con:
        info = {**info, "schema_version": SCHEMA_VERSION}
        con.register("info_df", pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]}))
        con.execute("CREATE TABLE release_info AS SELECT * FROM info_df")
        for name, frame in [("areas", areas), ("indicators", indicators_frame()), ("shapes", shapes),
                            ("neighbours", neighbours), ("suppression_report", reports)]:
            con.register("df", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM df")
            con.unregister("df")
        con.register("cells_df", cells)
        # Sorted by the access path of every page query, so a query reads few row groups.
        con.execute("CREATE TABLE cells AS SELECT * FROM cells_df ORDER BY indicator, year, sbi, area_code")
        con.register("flows_df", flows)
        con.execute("CREATE TABLE flows AS SELECT * FROM flows_df ORDER BY flow, year, woon_code, pleeg_code")
        con.execute("CREATE TABLE ingested (indicator VARCHAR, year INTEGER, file VARCHAR, rows INTEGER, ingested_at VARCHAR)")


def write_base(target: Path, *, base: pd.DataFrame, patterns: pd.DataFrame, info: dict) -> None:
    with atomic_duckdb(target) as con:
        con.register("info_df", pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]}))
        con.execute("CREATE TABLE release_info AS SELECT * FROM info_df")
        con.register("base_df", base)
        con.execute("CREATE TABLE base_cells AS SELECT * FROM base_df ORDER BY measure, year, sbi, area_code")
        con.register("pat_df", patterns)
        con.execute("CREATE TABLE patterns AS SELECT * FROM pat_df ORDER BY family, year, sbi, area_code")


def connect_readonly(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open a release read-only, or raise ReleaseError with a message a person can act on."""
    path = Path(path or release_path())
    if not path.exists():
        raise ReleaseError(f"De database {path} ontbreekt. Maak hem met: {rebuild_command()}", "ontbreekt")
    try:
        # A private in-memory instance that attaches the file: duckdb.connect(path) would hand back the
        # process-wide cached instance of the *old* file after a new build was renamed into place.
        con = duckdb.connect(":memory:")
        con.execute(f"ATTACH ? AS {ATTACHED_AS} (READ_ONLY)", [str(path)])
        con.execute(f"USE {ATTACHED_AS}")
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_catalog = ?", [ATTACHED_AS]).fetchall()}
    except duckdb.Error as exc:
        raise ReleaseError(f"De database {path} is beschadigd of geen DuckDB-bestand ({exc.__class__.__name__}). "
                           f"Bouw hem opnieuw met: {rebuild_command()}", "is beschadigd") from None
    missing = {"release_info", "areas", "indicators", "cells", "shapes"} - tables
    if missing:
        con.close()
        raise ReleaseError(f"De database {path} is geen zoo-release (tabellen ontbreken: {', '.join(sorted(missing))}). "
                           f"Bouw hem opnieuw met: {rebuild_command()}", "is geen zoo-release")
    return con
