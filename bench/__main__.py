"""`python -m bench scale --size tiny|small|large [--root DIR] [--pandas|--no-pandas]
[--engine duckdb|spark]`;
`python -m bench daily --history N [--verify]`."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.scale.daily import VISITS_PER_DAY, daily
from bench.scale.run import scale
from bench.scale.sizes import SIZES


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("scale", help="the main job at a named size, against the floor")
    s.add_argument("--size", choices=sorted(SIZES), default="small")
    s.add_argument("--root", type=Path, help="data root (default: a folder per size in TMPDIR)")
    s.add_argument("--pandas", action=argparse.BooleanOptionalAction, default=None,
                   help="also time plain pandas (default: below large)")  # fmt: skip
    s.add_argument("--results", type=Path, help="folder for the JSON (default: bench/results)")
    s.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                   help="where the marts and release counts run (spark: local[*])")  # fmt: skip
    d = sub.add_parser("daily", help="one daily run after a history of days, step by step")
    d.add_argument("--history", type=int, default=14, help="days built before the daily run")
    d.add_argument("--members", type=int, default=100_000)
    d.add_argument("--visits-per-day", type=int, default=VISITS_PER_DAY)
    d.add_argument("--verify", action="store_true", help="compare with a full rebuild")
    d.add_argument("--root", type=Path, help="data root (default: a folder in TMPDIR)")
    args = parser.parse_args()
    if args.command == "daily":
        root = args.root or Path(tempfile.gettempdir()) / f"veil-bench-daily-{args.history}"
        return daily(args.history, args.members, args.visits_per_day, args.verify, root)
    return scale(args.size, args.root, args.pandas, args.results, args.engine)


if __name__ == "__main__":
    sys.exit(main())
