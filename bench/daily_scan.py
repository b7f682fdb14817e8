"""Does a daily run read only its day? Time the scoped raw scan of 1 day against all days.

    .venv/bin/python bench/daily_scan.py [--rows 14000000] [--days 14]

Writes one Parquet file of visits sorted by time (as an export would be) to a temp folder,
then stages the raw rows of one day and of every day through the pipeline's own source SQL.
Prints both wall times and their ratio; the ideal ratio is about 1/days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from runtime.ingest.raw_source import RawFiles
from transforms.contract import VISITS
from transforms.ingest.sources import TimeScope, raw_rows_sql
from transforms.ingest.validation import ValidationWindow

START = dt.datetime(2026, 11, 1)


def write_visits(root: Path, rows: int, days: int) -> None:
    folder = root / "raw" / "visits"
    folder.mkdir(parents=True)
    seconds = days * 86400
    duckdb.execute(
        f"""COPY (SELECT md5(i::VARCHAR) AS cookie_id, 'u' || (i % 100000) AS member_id,
        TIMESTAMP '{START}' + INTERVAL (i * {seconds} // {rows}) SECOND AS ts, 'sports' AS section,
        'https://www.nktimes.example/news/' || i || '?utm=x' AS url, NULL::VARCHAR AS referrer,
        '10.0.0.1' AS ip, 'Mozilla/5.0' AS user_agent FROM range({rows}) t(i))
        TO '{folder / "part-0.parquet"}' (FORMAT parquet)"""
    )


def stage_seconds(root: Path, first: dt.datetime, last: dt.datetime, repeats: int = 3) -> float:
    conn = duckdb.connect()
    window = ValidationWindow(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1), dt.date(2030, 1, 1))
    sql = raw_rows_sql(
        VISITS,
        RawFiles(root).branches(conn, "visits"),
        [],
        TimeScope(first, last, window),
    )
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        conn.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {sql}")
        best = min(best, time.perf_counter() - t0)
    conn.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=14_000_000)
    parser.add_argument("--days", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_visits(root, args.rows, args.days)
        every = stage_seconds(root, START, START + dt.timedelta(days=args.days))
        one = stage_seconds(root, START + dt.timedelta(days=5), START + dt.timedelta(days=6))
    print(f"rows={args.rows:,} days={args.days}")
    print(f"all days (baseline): {every:.3f} s")
    print(f"one day:             {one:.3f} s")
    print(f"ratio one/all:       {one / every:.3f}  (ideal {1 / args.days:.3f})")


if __name__ == "__main__":
    main()
