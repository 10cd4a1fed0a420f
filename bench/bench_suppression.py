"""Information loss of two builds of the same base: cells hidden and their value, per family.

    .venv/bin/python bench/bench_suppression.py BASE_BEFORE BASE_AFTER

Each argument is a confidential base written by `python -m zoo_core build --seed N --base PATH`
(same seed, so the same base figures): hidden = suppressed in its final patterns; the value of a
hidden count is the number it hides, of a euro table the euros. Run on the build side only.
"""
from __future__ import annotations

import sys

import duckdb


def hidden_by_family(base: str):
    con = duckdb.connect(base, read_only=True)
    try:
        return con.execute("""
            SELECT p.family, count(*) FILTER (WHERE p.suppressed) AS hidden,
                   sum(b.value) FILTER (WHERE p.suppressed) AS hidden_value, sum(b.value) AS total_value
            FROM patterns p JOIN base_cells b ON b.measure = p.family AND b.year = p.year AND b.sbi = p.sbi
                                            AND b.area_code = p.area_code
            GROUP BY p.family ORDER BY p.family""").df().set_index("family")
    finally:
        con.close()


if __name__ == "__main__":
    before, after = (hidden_by_family(path) for path in sys.argv[1:3])
    print(f"{'family':<26}{'hidden before':>14}{'after':>9}{'change':>9}   {'hidden value before':>20}{'after':>16}{'change':>9}")
    for family in after.index:
        b, a = before.loc[family], after.loc[family]
        print(f"{family:<26}{b.hidden:>14,.0f}{a.hidden:>9,.0f}{(a.hidden / b.hidden - 1):>+9.1%}   "
              f"{b.hidden_value:>20,.0f}{a.hidden_value:>16,.0f}{(a.hidden_value / b.hidden_value - 1):>+9.1%}")
    tb, ta = before["hidden"].sum(), after["hidden"].sum()
    print(f"{'all tables':<26}{tb:>14,.0f}{ta:>9,.0f}{(ta / tb - 1):>+9.1%}")
