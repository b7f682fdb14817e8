"""python -m sampledata --data-root data --members 100000 --days 14 [--visits-per-day N] ..."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

from sampledata.generate import generate


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # raw exports hold identifiers: owner-only from the first byte
    parser = argparse.ArgumentParser(prog="python -m sampledata", description=__doc__)
    parser.add_argument(
        "--data-root", type=Path, default=Path(os.environ.get("PIPELINE_DATA") or "data")
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--visits-per-day", type=int, default=None, help="default: one per member")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--end-date", type=dt.date.fromisoformat, default=None, help="default: yesterday (UTC)"
    )
    parser.add_argument("--bad-share", type=float, default=0.01)
    parser.add_argument("--force", action="store_true", help="delete raw/ first")
    args = parser.parse_args(argv)
    raw = args.data_root / "raw"
    if raw.exists() and any(p.is_file() for p in raw.rglob("*")):
        if not args.force:
            print(
                f"error: {raw} already holds files; pass --force to replace them", file=sys.stderr
            )
            return 2
        shutil.rmtree(raw)
    t0 = time.perf_counter()
    summary = generate(
        args.data_root, members=args.members, days=args.days, visits_per_day=args.visits_per_day,
        seed=args.seed, end_date=args.end_date, bad_share=args.bad_share,
    )  # fmt: skip
    print(f"wrote {raw} in {time.perf_counter() - t0:.1f} s (days up to {summary.end_date}):")
    for table, n in summary.rows.items():
        bad = sum(summary.bad[table].values())
        print(f"  {table:<18} {n:>13,} rows  {bad:>9,} bad  {len(summary.files[table]):>4} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
