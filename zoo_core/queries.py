"""Read-only queries on the release database, used by every page.

SQL is parameterised; the only identifiers that vary come from fixed allow-lists here. One
read-only connection per process, a fresh cursor per query (DuckDB cursors are cheap and safe to
use from Streamlit's threads). When the release file is replaced by a new build (atomic rename),
the next query notices the new file and reopens it: running sessions keep working, new queries
see the new data.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd

from . import catalogue, release

# Which areas column holds the parent at each level a page may filter "within".
WITHIN_COLUMN = {"land": None, "provincie": "provincie_code", "riec": "riec_code", "gemeente": "gemeente_code",
                 "wijk": "parent_code"}


class Release:
    def __init__(self, path: Path | None = None):
        self.path = Path(path or release.release_path())
        self._lock = threading.Lock()
        self._con = None
        self._identity = None

    def _file_identity(self):
        st = os.stat(self.path)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def cursor(self):
        """A cursor on the current release file; reopens after the file was replaced."""
        with self._lock:
            try:
                identity = self._file_identity()
            except FileNotFoundError:
                identity = None
            if self._con is None or identity != self._identity:
                old = self._con
                self._con = release.connect_readonly(self.path)
                self._identity = identity
                if old is not None:
                    old.close()
            cursor = self._con.cursor()
        cursor.execute(f"USE {release.ATTACHED_AS}")  # a cursor starts in the in-memory catalog
        return cursor

    def _df(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, list(params)).df()
        finally:
            cur.close()

    # --- release metadata ------------------------------------------------------------------
    def info(self) -> dict[str, str]:
        return dict(zip(*self._df("SELECT key, value FROM release_info").to_dict("list").values()))

    def is_demo(self, indicator: str, year: int | None = None) -> bool:
        """Demo unless the indicator (for that year) was replaced by an ingested real table."""
        ind = catalogue.get(indicator)
        if not ind.demo:
            return False
        sql = "SELECT count(*) AS n FROM ingested WHERE indicator = ?" + (" AND year = ?" if year else "")
        params = [indicator] + ([int(year)] if year else [])
        return int(self._df(sql, params)["n"].iloc[0]) == 0

    def years(self, indicator: str) -> list[int]:
        catalogue.get(indicator)
        return [int(y) for y in self._df("SELECT DISTINCT year FROM cells WHERE indicator = ? ORDER BY year",
                                         [indicator])["year"]]

    # --- areas -----------------------------------------------------------------------------
    def areas(self, level: str | None = None, within: str | None = None) -> pd.DataFrame:
        sql, params = "SELECT * FROM areas WHERE 1=1", []
        if level is not None:
            if level not in catalogue.LEVELS:
                raise ValueError(f"onbekend niveau: {level!r}")
            sql += " AND level = ?"
            params.append(level)
        if within:
            clause, extra = self._within_filter(within, "")
            sql += clause
            params += extra
        return self._df(sql + " ORDER BY area_code", params)

    def area(self, code: str) -> dict | None:
        rows = self._df("SELECT * FROM areas WHERE area_code = ?", [code])
        return None if rows.empty else rows.iloc[0].to_dict()

    def _within_filter(self, within: str, prefix: str) -> tuple[str, list]:
        """SQL condition (and its parameters) for "areas inside `within`"; the land has no condition."""
        parent = self.area(within)
        if parent is None:
            raise ValueError(f"onbekende gebiedscode: {within!r}")
        column = WITHIN_COLUMN.get(parent["level"])
        return ("", []) if column is None else (f" AND {prefix}{column} = ?", [within])

    def gemeenten(self) -> pd.DataFrame:
        return self._df("SELECT area_code, name FROM areas WHERE level = 'gemeente' ORDER BY name")

    def neighbours(self, gemeente_code: str) -> list[str]:
        return list(self._df("SELECT neighbour_code FROM neighbours WHERE gemeente_code = ? ORDER BY neighbour_code",
                             [gemeente_code])["neighbour_code"])

    # --- published cells -------------------------------------------------------------------
    def values(self, indicator: str, year: int, level: str, within: str | None = None, sbi: str = "") -> pd.DataFrame:
        """One indicator, one year, all areas of a level (optionally within a parent area).

        Columns: area_code, name, level, parent_code, gemeente_code, value, status. value is NULL
        unless status is 'published'.
        """
        catalogue.get(indicator)
        if level not in catalogue.LEVELS:
            raise ValueError(f"onbekend niveau: {level!r}")
        sql = ("SELECT a.area_code, a.name, a.level, a.parent_code, a.gemeente_code, a.provincie_code, a.riec_code, "
               "CASE WHEN c.status = 'published' THEN c.value END AS value, "
               "coalesce(c.status, 'missing') AS status "
               "FROM areas a LEFT JOIN cells c ON c.area_code = a.area_code AND c.indicator = ? AND c.year = ? AND c.sbi = ? "
               "WHERE a.level = ?")
        params: list = [indicator, int(year), sbi, level]
        if within:
            clause, extra = self._within_filter(within, "a.")
            sql += clause
            params += extra
        return self._df(sql + " ORDER BY a.area_code", params)

    def cells_for_areas(self, indicator: str, area_codes: list[str], sbi: str = "", year: int | None = None) -> pd.DataFrame:
        """Published state of given areas over all years (a trend) or one year."""
        catalogue.get(indicator)
        sql = ("SELECT area_code, year, CASE WHEN status = 'published' THEN value END AS value, status FROM cells "
               "WHERE indicator = ? AND sbi = ? AND area_code IN (SELECT unnest(?))")
        params: list = [indicator, sbi, list(area_codes)]
        if year is not None:
            sql += " AND year = ?"
            params.append(int(year))
        return self._df(sql + " ORDER BY area_code, year", params)

    def flows(self, flow: str, gemeente: str, year: int) -> pd.DataFrame:
        """Published state of the flow cells from or to `gemeente` in `year` (woon_code, pleeg_code, value,
        status); empty for a release built before flow tables existed."""
        if flow not in catalogue.FLOWS:
            raise KeyError(f"onbekende stroomtabel: {flow!r}")
        if not self.has_table("flows"):
            return pd.DataFrame(columns=["woon_code", "pleeg_code", "value", "status"])
        return self._df("SELECT woon_code, pleeg_code, CASE WHEN status = 'published' THEN value END AS value, status "
                        "FROM flows WHERE flow = ? AND year = ? AND (woon_code = ? OR pleeg_code = ?) "
                        "ORDER BY woon_code, pleeg_code", [flow, int(year), gemeente, gemeente])

    def flow_table(self, flow: str, year: int) -> pd.DataFrame:
        """Every flow cell of one year as published (woon_code, pleeg_code, value, status)."""
        if flow not in catalogue.FLOWS:
            raise KeyError(f"onbekende stroomtabel: {flow!r}")
        if not self.has_table("flows"):
            return pd.DataFrame(columns=["woon_code", "pleeg_code", "value", "status"])
        return self._df("SELECT woon_code, pleeg_code, CASE WHEN status = 'published' THEN value END AS value, status "
                        "FROM flows WHERE flow = ? AND year = ? ORDER BY woon_code, pleeg_code", [flow, int(year)])

    def neighbour_pairs(self) -> pd.DataFrame:
        """gemeente_code, neighbour_code: every pair of bordering gemeenten."""
        return self._df("SELECT gemeente_code, neighbour_code FROM neighbours ORDER BY 1, 2")

    def flow_years(self, flow: str) -> list[int]:
        if not self.has_table("flows"):
            return []
        return [int(y) for y in self._df("SELECT DISTINCT year FROM flows WHERE flow = ? ORDER BY year", [flow])["year"]]

    def has_table(self, name: str) -> bool:
        return bool(len(self._df("SELECT 1 FROM information_schema.tables WHERE table_catalog = ? AND table_name = ?",
                                 [release.ATTACHED_AS, name])))

    def shapes(self, area_codes: list[str], national: bool = False) -> dict[str, str]:
        """GeoJSON geometry per area; national=True: the coarser one of the national maps (a release built
        before it existed has only the full one)."""
        column = "geometry_national" if national and self._has_column("shapes", "geometry_national") else "geometry"
        rows = self._df(f"SELECT area_code, {column} AS geometry FROM shapes WHERE area_code IN (SELECT unnest(?))",
                        [list(area_codes)])  # column: one of two fixed names
        return dict(zip(rows["area_code"], rows["geometry"]))

    def _has_column(self, table: str, column: str) -> bool:
        return bool(len(self._df("SELECT 1 FROM information_schema.columns WHERE table_catalog = ? AND table_name = ? "
                                 "AND column_name = ?", [release.ATTACHED_AS, table, column])))

    def suppression_report(self) -> pd.DataFrame:
        return self._df("SELECT * FROM suppression_report ORDER BY family, sbi, year")
