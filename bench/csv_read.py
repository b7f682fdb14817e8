"""Reading a raw CSV export: veil's tolerant reader (Python csv -> Parquet) against DuckDB's
read_csv on the same file, which is fast but cannot quarantine rows (docs/decisions.md, D13).

    .venv/bin/python bench/csv_read.py --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

import duckdb

from runtime.ingest.raw_csv import csv_to_parquet

COLUMNS = ["cookie_id", "member_id", "ts", "section", "url", "referrer", "ip", "user_agent"]


def write_export(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for i in range(rows):
            w.writerow([
                f"c{rng.getrandbits(48):012x}", f"u{i % 100_000}" if i % 5 else "",
                f"2026-11-{1 + i % 28:02d} {i % 24:02d}:00:00", "sports",
                f"https://www.nktimes.example/news/{rng.randrange(10**6)}?ref=x", "",
                f"10.0.{i % 256}.{i % 251}", "Mozilla/5.0 (iPhone) Mobile Safari",
            ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp, "visits.csv"), Path(tmp, "visits.parquet")
        write_export(source, args.rows)
        t0 = time.perf_counter()
        shape = csv_to_parquet(source, target, "visits.csv")
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        n = duckdb.sql(
            f"SELECT count(*) FROM read_csv('{source}', all_varchar=true, header=true)"
        ).fetchall()[0][0]
        duck = time.perf_counter() - t0
    print(f"rows {shape.rows:,} (duckdb {n:,}), bad {shape.bad_rows}")
    print(f"veil reader  {ours:7.2f} s  {shape.rows / ours:12,.0f} rows/s")
    print(f"duckdb       {duck:7.2f} s  {n / duck:12,.0f} rows/s")
    print(f"ratio veil/duckdb {ours / duck:.1f}x")


if __name__ == "__main__":
    main()
