"""`python -m bench scale --size tiny|small|large [--root DIR] [--pandas|--no-pandas]
[--engine duckdb|spark]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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
    args = parser.parse_args()
    return scale(args.size, args.root, args.pandas, args.results, args.engine)


if __name__ == "__main__":
    sys.exit(main())
