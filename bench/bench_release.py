"""Release figures: full build time (disclosure control included), database size, page query times.

Prints figures; it is not a test. Targets (issue 2): build <= 60 s on 2 cores, release <= 50 MB,
a typical page query (one indicator, one year, all wijken of a gemeente or all gemeenten) <= 20 ms warm.
Usage: .venv/bin/python bench/bench_release.py [--db EXISTING_RELEASE]   (without --db it builds one)
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from zoo_core.queries import Release  # noqa: E402


def timed_ms(fn, repeat: int = 20) -> tuple[float, float]:
    """(median, max) in ms over `repeat` warm calls after one cold call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "release.duckdb"
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "zoo_core", "build", "--out", str(db), "--no-base", "--quiet"], cwd=REPO, check=True)
        print(f"full build (demo generation + disclosure control + write): {time.perf_counter() - t:.1f} s  (target <= 60 s)")
    print(f"release size: {db.stat().st_size / 1e6:.1f} MB  (target <= 50 MB)")
    rel = Release(db)
    cases = {
        "one indicator, one year, all gemeenten": lambda: rel.values("tr_fiu_per_1000", 2024, "gemeente"),
        "one indicator, one year, wijken of Amsterdam": lambda: rel.values("tr_fiu_per_1000", 2024, "wijk", "GM0363"),
        "one indicator, one year, buurten of Rotterdam": lambda: rel.values("dr_hennep_per_1000", 2024, "buurt", "GM0599"),
        "branche indicator, all wijken of the country": lambda: rel.values("br_vestigingen_per_10k", 2024, "wijk", None, "96021"),
        "trend of 2 areas over all years": lambda: rel.cells_for_areas("tr_fiu_per_1000", ["GM0599", "NL01"]),
        "shapes of all gemeenten": lambda: rel.shapes(list(rel.areas("gemeente")["area_code"])),
    }
    for name, fn in cases.items():
        median, worst = timed_ms(fn)
        print(f"query {name:<48} median {median:6.1f} ms  max {worst:6.1f} ms  (target <= 20 ms warm)")


if __name__ == "__main__":
    main()
