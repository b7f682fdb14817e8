from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest


@pytest.fixture
def conn() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    yield c
    c.close()


def one(conn: duckdb.DuckDBPyConnection, sql: str) -> object:
    return conn.execute(sql).fetchall()[0][0]
