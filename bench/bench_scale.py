"""Scale test: the synthetic national buurt division (~15,000 buurten, zoo_core/scale.py).

Prints the build time with disclosure control (target <= 5 min on 2 cores), the database size, the time
of one indicator over all buurten of a gemeente (target <= 20 ms warm) and a theme page change
server-side with level "buurten" of a gemeente (AppTest, ZOO_DB on the scale release; target <= 500 ms).
Usage: .venv/bin/python bench/bench_scale.py [--db EXISTING_SCALE_RELEASE]   (without --db it builds one)
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_release import timed_ms  # noqa: E402
from zoo_core.queries import Release  # noqa: E402

GEMEENTEN = {"GM0363": "Amsterdam (synthetic buurten)", "GM0599": "Rotterdam (real buurten)"}


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "release.duckdb"
        print(f"building the scale release into {db} ({load()})", flush=True)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "zoo_core", "build", "--scale", "--out", str(db), "--no-base", "--quiet"],
                       cwd=REPO, check=True)
        print(f"scale build (synthetic buurten + demo generation + disclosure control + write): "
              f"{time.perf_counter() - t:.0f} s  (target <= 300 s; {load()})")
    print(f"release size: {db.stat().st_size / 1e6:.1f} MB")
    rel = Release(db)
    counts = rel._df("SELECT level, count(*) AS n FROM areas GROUP BY level ORDER BY n")
    print("areas: " + ", ".join(f"{lvl} {n}" for lvl, n in zip(counts["level"], counts["n"])))
    for code, label in GEMEENTEN.items():
        n = len(rel.values("dr_hennep_per_1000", 2024, "buurt", code))
        median, worst = timed_ms(lambda: rel.values("dr_hennep_per_1000", 2024, "buurt", code))
        print(f"query one indicator, buurten of {label} ({n}): median {median:.1f} ms, max {worst:.1f} ms "
              f"(target <= 20 ms; {load()})")
    median, worst = timed_ms(lambda: rel.values("dr_hennep_per_1000", 2024, "buurt"), repeat=5)
    print(f"query one indicator, all buurten of the country: median {median:.0f} ms, max {worst:.0f} ms")

    os.environ["ZOO_DB"] = str(db)
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.run()
    for code, label in GEMEENTEN.items():
        t = time.perf_counter()
        at.switch_page("pages/drugs.py").run()
        at.selectbox(key="drugs:gemeente").set_value(code).run()
        at.selectbox(key="drugs:level").set_value("buurt").run()
        cold = (time.perf_counter() - t) * 1000
        assert not at.exception, at.exception
        payload = sum(len(d.proto.json.encode()) for d in at.get("deck_gl_json_chart"))
        changes = []
        for _ in range(2):
            for ind in ("dr_verdachten_per_1000", "dr_hennep_per_1000"):
                for year in (2023, 2024):
                    t = time.perf_counter()
                    at.selectbox(key="drugs:year").set_value(year).run()
                    changes.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                at.selectbox(key="drugs:indicator").set_value(ind).run()
                changes.append((time.perf_counter() - t) * 1000)
        print(f"drugs page, buurten of {label}: first view (3 reruns, cold caches) {cold:.0f} ms; "
              f"indicator/year change median {statistics.median(changes):.0f} ms, max {max(changes):.0f} ms "
              f"(target <= 500 ms); map payload {payload / 1e6:.2f} MB ({load()})")


if __name__ == "__main__":
    main()
