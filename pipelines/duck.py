"""DuckDB connections and conveniences (DuckDB 2 wants every result fully fetched).

Every connection opens with its spill folder in private scratch space, and the engine's own
error messages, which quote raw values (a whole CSV row, a value that failed a cast), never
leave it: they become an EngineError naming only the kind of failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from dagster_duckdb import DuckDBResource

from pipelines.scratch import scratch_space

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


SPILL = "spill"
_ERROR_KIND = re.compile(r"[A-Za-z ]{1,40} Error")


class EngineError(RuntimeError):
    """The engine failed; its message is withheld because it can quote raw values (P7)."""


def engine_failure(exc: duckdb.Error) -> str:
    head = str(exc).split(":", 1)[0]
    kind = head if _ERROR_KIND.fullmatch(head) else type(exc).__name__
    return (
        f"the database engine stopped ({kind}); its own message is withheld because it can "
        "quote raw values"
    )


@contextmanager
def withheld_engine_errors() -> Iterator[None]:
    try:
        yield
    except duckdb.Error as exc:
        raise EngineError(engine_failure(exc)) from None


class OneStatementPerCall:
    """A connection that runs one statement per `execute` or `sql`: a text that a name pasted
    into it split into several (`1 AS VARCHAR); COPY (…) TO '…'; SELECT CAST(1`) is refused
    before any of it runs. Quoting (`transforms.sql.ident`) is the fix; this is the backstop."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn = conn

    def _one(self, query: object) -> None:
        if isinstance(query, str) and len(self._conn.extract_statements(query)) != 1:
            raise EngineError("refused an SQL text holding more than one statement")

    def execute(self, query: object, *args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        self._one(query)
        return self._conn.execute(query, *args, **kwargs)

    def sql(self, query: str, *args: Any, **kwargs: Any) -> duckdb.DuckDBPyRelation:
        self._one(query)
        return self._conn.sql(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@contextmanager
def open_database(
    root: Path, database: str = ":memory:", config: dict[str, Any] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose spill and scratch files stay in a private folder under `root`,
    removed (with them) when it closes; one statement per call; engine errors come out as
    EngineError."""
    with scratch_space(root) as scratch, withheld_engine_errors():
        settings = {**(config or {}), "temp_directory": str(scratch / SPILL)}
        conn = duckdb.connect(database, config=settings)
        try:
            yield OneStatementPerCall(conn)  # type: ignore[misc]  # same calls, one statement each
        finally:
            conn.close()


def scratch_dir(conn: duckdb.DuckDBPyConnection) -> Path:
    """The private scratch folder of a connection opened by `open_database`."""
    spill = Path(scalar(conn, "SELECT current_setting('temp_directory')"))
    if spill.name != SPILL:
        raise RuntimeError("this connection has no scratch folder: open it with open_database")
    return spill.parent


@contextmanager
def connect(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """The resource's database through `open_database` (the data root is its folder), closed
    when the body raises too (a connection left open pins the file for the process)."""
    database = Path(resource.database)
    with open_database(database.parent, str(database), dict(resource.connection_config)) as conn:
        yield conn
