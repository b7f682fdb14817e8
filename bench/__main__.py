"""`python -m bench scale --size tiny|small|large [--root DIR] [--pandas|--no-pandas]`."""

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
    args = parser.parse_args()
    return scale(args.size, args.root, args.pandas, args.results)


if __name__ == "__main__":
    sys.exit(main())
