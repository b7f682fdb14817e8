"""Tiny DuckDB conveniences used by the wiring (DuckDB 2 wants every result fully fetched)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
from dagster_duckdb import DuckDBResource

CLI_STORAGE = "v1.5.0"  # what the pip `duckdb-cli` (1.5.6) reads (CONTRACT.md)
_MAIN = "database_name = current_database() AND schema_name = 'main'"  # not temp tables


def temp_table(conn: duckdb.DuckDBPyConnection, name: str, query: str) -> None:
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")


def scalar(conn: duckdb.DuckDBPyConnection, query: str, params: list[Any] | None = None) -> Any:
    return conn.execute(query, params or []).fetchall()[0][0]


def count(conn: duckdb.DuckDBPyConnection, query: str) -> int:
    return int(scalar(conn, f"SELECT count(*) FROM ({query})"))  # noqa: S608


def tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The database's own tables (not temp tables), sorted."""
    q = f"SELECT table_name FROM duckdb_tables() WHERE {_MAIN} ORDER BY 1"  # noqa: S608
    return [r[0] for r in conn.execute(q).fetchall()]


def columns(
    conn: duckdb.DuckDBPyConnection, table: str, database: str | None = None
) -> dict[str, str]:
    """Column name -> type of one of the database's own tables (empty when it does not exist);
    `database` names an attached database instead of the connection's own."""
    where = "database_name = ? AND schema_name = 'main'" if database else _MAIN
    q = f"SELECT column_name, data_type FROM duckdb_columns() WHERE {where} AND table_name = ?"  # noqa: S608
    return dict(conn.execute(q, [database, table] if database else [table]).fetchall())


@contextmanager
def connect(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """`resource.get_connection()` that also closes when the body raises (dagster-duckdb's does
    not, and a connection left open pins the database file for the rest of the process)."""
    with resource.get_connection() as conn:
        try:
            yield conn
        finally:
            conn.close()
