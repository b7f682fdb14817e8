"""A table loaded day by day (issue 14) accounts for every row as one load of the range would:
a repeated id on another day is still a duplicate, a row no day can hold is read once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from runtime.config.policy import DEFAULT_POLICY_PATH, load_policy
from runtime.engine.duck import open_database
from runtime.ingest.loading import CHUNK_TABLES, LoadInputs, load_table
from runtime.ingest.quarantine import QuarantineFiles
from runtime.ingest.raw_source import RawFiles
from transforms.contract import ORDERS
from transforms.ingest.reconciliation import reconciliation_problems
from transforms.ingest.sources import TimeScope
from transforms.ingest.validation import ValidationWindow
from transforms.person.pseudonymize import Pseudonymizer
from transforms.pii.scanner import ScanSettings, TextScanner

DAY = dt.datetime(2026, 11, 20)


def write_orders(root: Path) -> None:
    folder = root / "raw" / "orders"
    folder.mkdir(parents=True)
    rows = [  # (order_id, day offset or None for an unparseable time)
        ("o1", 0), ("o2", 0), ("o1", 2), ("o3", 1), ("o4", None), ("o5", 2), ("o5", 2),
    ]  # fmt: skip
    pq.write_table(
        pa.table(
            {
                "order_id": [r[0] for r in rows],
                "member_id": ["u1"] * len(rows),
                "ts": [
                    str(DAY + dt.timedelta(days=d, hours=1)) if d is not None else "never"
                    for _, d in rows
                ],
                "category": ["books"] * len(rows),
                "amount_krw": ["1000"] * len(rows),
            }
        ),
        folder / "part-0.parquet",
    )


def test_three_days_reconcile_and_find_every_duplicate(tmp_path: Path) -> None:
    write_orders(tmp_path)
    inputs = LoadInputs(
        RawFiles(tmp_path), QuarantineFiles(tmp_path), Pseudonymizer("k" * 40),
        load_policy(DEFAULT_POLICY_PATH),
    )  # fmt: skip
    window = ValidationWindow(
        dt.datetime(2020, 1, 1), dt.datetime(2026, 11, 25), dt.date(2026, 11, 25)
    )
    scope = TimeScope(DAY, DAY + dt.timedelta(days=3), window)
    with open_database(tmp_path, str(tmp_path / "warehouse.duckdb")) as conn:
        load = load_table(conn, ORDERS, inputs, window, scope, TextScanner(ScanSettings(workers=1)))
        stored = sorted(r[0] for r in conn.execute("SELECT event_date FROM orders").fetchall())
        temp = {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE temporary"
            ).fetchall()
        }
    assert reconciliation_problems(load.counts) == []
    assert not temp & set(CHUNK_TABLES)  # a day's copies end with it: 14 days spilled at scale
    assert load.counts.read == 7 and load.reasons == {"duplicate_id": 2, "unparseable_timestamp": 1}
    assert stored == [dt.date(2026, 11, 20)] * 2 + [dt.date(2026, 11, 21), dt.date(2026, 11, 22)]
    slices = sorted(p.name for p in QuarantineFiles(tmp_path).files("orders"))
    assert slices == ["2026-11-22.parquet", "unplaced.parquet"]
