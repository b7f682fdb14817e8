"""File-level safety: owner-only modes, atomic replacement, and byte-clean database rewrites."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.paths import PRIVATE_FILE
from transforms.sql import literal


def make_private(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.chmod(PRIVATE_FILE)


def write_parquet(conn: duckdb.DuckDBPyConnection, query: str, target: Path) -> int:
    """Write `query` to `target` atomically (temp file, then rename), owner-only; rows written."""
    tmp = target.with_name(f".{target.name}.tmp")
    conn.execute(f"COPY ({query}) TO {literal(str(tmp))} (FORMAT parquet)")
    tmp.chmod(PRIVATE_FILE)
    os.replace(tmp, target)
    return int(
        conn.execute(f"SELECT count(*) FROM read_parquet({literal(str(target))})").fetchall()[0][0]  # noqa: S608
    )


def rewrite_database(path: Path) -> None:
    """Copy the database into a fresh file and swap it in: deleted rows' bytes stay behind.

    DuckDB keeps deleted values in the file even after CHECKPOINT and VACUUM (CONTRACT.md, P4);
    a fresh copy holds only live rows. No connection to `path` may be open.
    """
    if not path.exists():
        return
    fresh = path.with_name(f".{path.name}.rewrite")
    fresh.unlink(missing_ok=True)
    conn = duckdb.connect()
    try:
        conn.execute(f"ATTACH {literal(str(path))} AS old_db (READ_ONLY)")
        conn.execute(f"ATTACH {literal(str(fresh))} AS new_db")
        conn.execute("COPY FROM DATABASE old_db TO new_db")
        conn.execute("DETACH new_db")
        conn.execute("DETACH old_db")
    finally:
        conn.close()
    fresh.chmod(PRIVATE_FILE)
    os.replace(fresh, path)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
