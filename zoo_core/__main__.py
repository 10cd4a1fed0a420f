"""Command line: python -m zoo_core {build,info,audit,export,ingest}."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .catalogue_file import CatalogueError


def main(argv: list[str] | None = None) -> int:
    try:  # the catalogue reads the deployment's indicator file (ZOO_INDICATORS): a bad one stops every command
        from . import release
    except CatalogueError as exc:
        print(f"zoo: {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m zoo_core", description="zoo: build, export and ingest releases")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate the demo base figures and build the protected release")
    b.add_argument("--out", type=Path, default=None, help="release file (default: $ZOO_DB or data/release.duckdb)")
    b.add_argument("--seed", type=int, default=None,
                   help="seed of the demo generator (default: a fresh random seed; it is stored only in the base)")
    b.add_argument("--base", type=Path, default=None,
                   help="where to write the confidential base (default: build/base.duckdb); never deploy it")
    b.add_argument("--no-base", action="store_true",
                   help="do not keep the confidential base (an app server building its own demo release needs none)")
    b.add_argument("--quiet", action="store_true", help="print only the summary")
    b.add_argument("--scale", action="store_true",
                   help="synthetic national buurten (~15,000 areas) for performance tests; not real data")
    e = sub.add_parser("export", help="write cells.csv, areas.csv, indicators.csv of what the app publishes")
    e.add_argument("--out", type=Path, required=True, help="output folder")
    n = sub.add_parser("info", help="describe a release: build, areas, cells per status, disclosure parameters "
                                    "and suppression counts, demo or real per indicator")
    n.add_argument("--db", type=Path, default=None, help="release file (default: $ZOO_DB or data/release.duckdb)")
    n.add_argument("--json", action="store_true", help="machine-readable output")
    a = sub.add_parser("audit", help="attack a built release from the outside and check every hidden cell "
                                      "against the promised protection (build side: needs the base)")
    a.add_argument("--db", type=Path, default=None, help="release file (default: $ZOO_DB or data/release.duckdb)")
    a.add_argument("--base", type=Path, default=None, help="confidential base of that release (default: build/base.duckdb)")
    a.add_argument("--family", action="append", default=None, help="only this family (repeatable)")
    a.add_argument("--year", action="append", type=int, default=None, help="only this year (repeatable)")
    a.add_argument("--witness", action="store_true", help="faster: the same cells fall short, but a cell that "
                   "passes may keep an inner estimate of its interval, so each smallest margin is a lower bound")
    e.add_argument("--db", type=Path, default=None, help="release to export (default: $ZOO_DB or data/release.duckdb)")
    i = sub.add_parser("ingest", help="load a real published table into the release: the project's cells.csv, or a "
                                      "StatLine / data.politie.nl CSV export as downloaded (recognised automatically)")
    i.add_argument("file", type=Path, help="cells.csv, or a StatLine-style export (';', title, Perioden as columns)")
    i.add_argument("--db", type=Path, default=None, help="release to update (default: $ZOO_DB or data/release.duckdb)")
    i.add_argument("--indicator", default=None,
                   help="catalogue code the StatLine table holds (required for a StatLine export, e.g. cr_misdrijven; "
                        "rates derived from that count are recomputed); not used for cells.csv")
    i.add_argument("--onderwerp", default=None,
                   help="for a StatLine export with several topics (Onderwerp line): the one to read")
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            from . import build
            out = args.out or release.release_path()
            reports = build.build(out, seed=args.seed, base_out=False if args.no_base else args.base,
                                  log=(lambda *_: None) if args.quiet else print, scale=args.scale)
            # protect() returns only patterns whose final audit found no cell short; a failing table stops
            # the build. The margin comes from that audit's witness intervals, so it is a lower bound.
            tightest = min(reports, key=lambda r: r.margin, default=None)
            print(f"built {out}: {len(reports)} protected tables, "
                  f"{sum(r.primary for r in reports)} primary and {sum(r.secondary for r in reports)} secondary "
                  f"suppressions; final audit: 0 hidden cells short"
                  + (f", smallest margin >= {tightest.margin:g} ({tightest.family} {tightest.year} "
                     f"{tightest.sbi or '-'})" if tightest is not None else "")
                  + "; exact intervals: python -m zoo_core audit")
        elif args.command == "info":
            import json
            from . import describe
            facts = describe.describe(args.db or release.release_path())
            print(json.dumps(facts, indent=1, default=str) if args.json else describe.text(facts))
        elif args.command == "audit":
            from . import attacker
            known = {family for family, _, _ in attacker.tables()}
            unknown = sorted(set(args.family or ()) - known)
            if unknown:
                print(f"onbekende familie: {', '.join(unknown)}; bekend: {', '.join(sorted(known))}", file=sys.stderr)
                return 2
            attack = attacker.Attacker(args.db or release.release_path(), args.base or release.DEFAULT_BASE,
                                       exact=not args.witness)
            short, started = 0, __import__("time").perf_counter()
            for family, year, sbi in attacker.tables():
                if (args.family and family not in args.family) or (args.year and year not in args.year):
                    continue
                r = attack.audit_table(family, year, sbi)
                short += len(r.failures)
                print(f"  {family:<24} {year} {sbi or '-':>5}  hidden {r.hidden:>5}  short {len(r.failures):>3}  "
                      f"smallest margin {'>= ' if args.witness else ''}{r.smallest_margin:g}  {r.seconds:.1f}s")
                for f in r.failures[:3]:
                    print(f"      {f.key}: [{f.lower:g}, {f.upper:g}] {f.reason}")
            print(f"audit: {short} hidden cells narrower than promised "
                  f"({__import__('time').perf_counter() - started:.0f} s)")
            return 1 if short else 0
        elif args.command == "export":
            from . import exchange
            counts = exchange.export(args.out, args.db)
            print(f"exported to {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        elif args.command == "ingest":
            from . import exchange, statline
            if statline.detect_format(args.file) == "statline":
                if not args.indicator:
                    raise exchange.IngestError(f"{args.file.name} is een StatLine-export; geef met --indicator aan "
                                               "welke indicator de tabel bevat (bijvoorbeeld --indicator cr_misdrijven)")
                n, report = statline.ingest(args.file, args.indicator, args.db, topic=args.onderwerp)
                print("\n".join(report.lines()))
            else:
                if args.indicator or args.onderwerp:
                    raise exchange.IngestError(f"{args.file.name} is een cells.csv-bestand met een eigen kolom indicator; "
                                               "laat --indicator en --onderwerp weg")
                n = exchange.ingest(args.file, args.db)
            print(f"ingested {n} cells from {args.file}")
    except (release.ReleaseError, ValueError) as exc:  # IngestError is a ValueError
        print(f"zoo: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
