"""`python -m zoo_core info`: what a release holds, for the person about to deploy or audit it."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from . import catalogue
from .disclosure import load_rule_sets
from .queries import Release


def describe(path: Path) -> dict:
    rel = Release(path)
    info = rel.info()
    cells = rel._df("SELECT indicator, status, count(*) AS n FROM cells GROUP BY indicator, status")
    ingested = rel._df("SELECT indicator, year, file, rows, ingested_at FROM ingested ORDER BY indicator, year")
    report = rel.suppression_report()
    by_status = cells.groupby("status")["n"].sum().to_dict()
    indicators = []
    for code, group in cells.groupby("indicator"):
        ind = catalogue.INDICATORS.get(code)
        indicators.append({"code": code, "name": ind.name if ind else code, "theme": ind.theme if ind else "",
                           "demo": rel.is_demo(code) if ind else False,
                           "cells": {s: int(n) for s, n in zip(group["status"], group["n"])}})
    return {
        "file": str(path), "size_mb": round(Path(path).stat().st_size / 1e6, 1),
        "built_at": info.get("built_at", ""), "kind": info.get("kind", ""),
        "area_division": info.get("area_division", ""), "schema_version": info.get("schema_version", ""),
        "areas": {lvl: int(n) for lvl, n in rel._df("SELECT level, count(*) AS n FROM areas GROUP BY level")
                  .itertuples(index=False)},
        "cells": {s: int(n) for s, n in by_status.items()},
        "protected_tables": int(len(report)),
        "primary_suppressions": int(report["primary"].sum()) if len(report) else 0,
        "secondary_suppressions": int(report["secondary"].sum()) if len(report) else 0,
        "disclosure_parameters": {unit: {k: v for k, v in asdict(rules).items() if k != "unit_type"}
                                  for unit, rules in load_rule_sets().items()},
        "ingested": ingested.to_dict("records"),
        "indicators": indicators,
    }


def text(d: dict) -> str:
    lines = [f"release {d['file']} ({d['size_mb']} MB), built {d['built_at']}, {d['kind']}, {d['area_division']}",
             "areas: " + ", ".join(f"{lvl} {n}" for lvl, n in sorted(d["areas"].items())),
             "cells: " + ", ".join(f"{s} {n:,}" for s, n in sorted(d["cells"].items())),
             f"disclosure control: {d['protected_tables']} protected tables, {d['primary_suppressions']:,} primary "
             f"and {d['secondary_suppressions']:,} secondary suppressions",
             "parameters: " + "; ".join(f"{u}: " + ", ".join(f"{k}={v}" for k, v in p.items() if v is not None)
                                        for u, p in d["disclosure_parameters"].items())]
    demo = [i["code"] for i in d["indicators"] if i["demo"]]
    real = [i["code"] for i in d["indicators"] if not i["demo"]]
    lines.append(f"indicators: {len(d['indicators'])} ({len(demo)} demo, {len(real)} real: {', '.join(real)})")
    for row in d["ingested"]:
        lines.append(f"ingested: {row['indicator']} {row['year']} from {row['file']} ({row['rows']} rows, {row['ingested_at']})")
    return "\n".join(lines)
