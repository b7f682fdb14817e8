"""How many members the warehouse has erased: stored answers drawn before a new erasure may
only be re-delivered as the release they belong to, never reused in a new one (P4)."""

from __future__ import annotations

import duckdb

from pipelines.duck import columns, scalar

ERASURES_TABLE = "_veil_erasures"


def record_erased_members(conn: duckdb.DuckDBPyConnection, members: int) -> None:
    conn.execute(
        f"CREATE OR REPLACE TABLE {ERASURES_TABLE} AS SELECT ?::BIGINT AS members", [members]
    )


def erased_members(conn: duckdb.DuckDBPyConnection) -> int:
    """Members with a deletion request applied by the last erasure run (0 before any)."""
    if not columns(conn, ERASURES_TABLE):
        return 0
    return int(scalar(conn, f"SELECT members FROM {ERASURES_TABLE}"))  # noqa: S608
