"""Erased members' cookies are found once per process and raw files (issue 14): the event
steps and checks of a run share one scan; a changed raw file is scanned again."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from runtime.engine.duck import open_database
from runtime.ingest.raw_source import RawFiles
from runtime.warehouse import erasure


def write(root: Path, table: str, name: str, data: dict[str, list[str | None]]) -> None:
    folder = root / "raw" / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(data), folder / name)


def cookies_seen(root: Path) -> list[str]:
    with open_database(root) as conn:
        erasure.stage_erasure(conn, RawFiles(root))
        return sorted(r[0] for r in conn.execute("SELECT cookie_id FROM erased_cookies").fetchall())


def test_one_scan_per_raw_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path,
        "deletion_requests",
        "d.parquet",
        {"member_id": ["u_gone"], "requested_at": ["2026-11-20 00:00:00"]},
    )
    write(
        tmp_path,
        "visits",
        "v1.parquet",
        {"cookie_id": ["c1", "c2"], "member_id": ["u_gone", "u_stays"]},
    )
    scans = []
    real = erasure.readable_cookie_tables
    monkeypatch.setattr(erasure, "readable_cookie_tables", lambda *a: scans.append(1) or real(*a))
    assert cookies_seen(tmp_path) == ["c1"]
    assert cookies_seen(tmp_path) == ["c1"] and len(scans) == 1
    time.sleep(0.01)
    write(tmp_path, "visits", "v2.parquet", {"cookie_id": ["c3"], "member_id": ["u_gone"]})
    assert cookies_seen(tmp_path) == ["c1", "c3"] and len(scans) == 2
