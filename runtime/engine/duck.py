"""DuckDB connections and conveniences (DuckDB 2 wants every result fully fetched).

Every connection opens with its spill folder in private scratch space, and the engine's own
error messages, which quote raw values (a whole CSV row, a value that failed a cast), never
leave it: they become an EngineError naming only the kind of failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from runtime.config.engine import engine_limits
from runtime.engine.interface import Engine, Relation, Rows
from runtime.engine.scratch import scratch_space
from transforms.sql import ident

CLI_STORAGE = "v1.5.0"  # what the pip `duckdb-cli` (1.5.6) reads (CONTRACT.md)
_MAIN = "database_name = current_database() AND schema_name = 'main'"  # not temp tables


def temp_table(conn: Engine, name: str, query: str) -> None:
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")


def scalar(conn: Engine, query: str, params: list[Any] | None = None) -> Any:
    return conn.execute(query, params or []).fetchall()[0][0]


def count(conn: Engine, query: str) -> int:
    return int(scalar(conn, f"SELECT count(*) FROM ({query})"))  # noqa: S608


def tables(conn: Engine) -> list[str]:
    """The database's own tables (not temp tables), sorted."""
    q = f"SELECT table_name FROM duckdb_tables() WHERE {_MAIN} ORDER BY 1"  # noqa: S608
    return [r[0] for r in conn.execute(q).fetchall()]


def columns(conn: Engine, table: str, database: str | None = None) -> dict[str, str]:
    """Column name -> type of one of the database's own tables (empty when it does not exist);
    `database` names an attached database instead of the connection's own."""
    where = "database_name = ? AND schema_name = 'main'" if database else _MAIN
    q = f"SELECT column_name, data_type FROM duckdb_columns() WHERE {where} AND table_name = ?"  # noqa: S608
    return dict(conn.execute(q, [database, table] if database else [table]).fetchall())


SPILL = "spill"
READ_ONLY = {"access_mode": "READ_ONLY"}  # config of a database opened to read only
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


class DuckDBEngine:
    """The Engine on one DuckDB connection, one statement per `execute` or `sql`: a text that
    a name pasted into it split into several (`1 AS VARCHAR); COPY (…) TO '…'; SELECT CAST(1`)
    is refused before any of it runs. Quoting (`transforms.sql.ident`) is the fix; this is the
    backstop."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._conn = conn

    def _one(self, query: str) -> None:
        if len(self._conn.extract_statements(query)) != 1:
            raise EngineError("refused an SQL text holding more than one statement")

    def execute(self, query: str, parameters: Sequence[Any] | None = None) -> Rows:
        self._one(query)
        return self._conn.execute(query, parameters)

    def sql(self, query: str) -> Relation:
        self._one(query)
        return self._conn.sql(query)

    def register(self, view_name: str, python_object: pa.Table) -> Any:
        return self._conn.register(view_name, python_object)

    def unregister(self, view_name: str) -> Any:
        return self._conn.unregister(view_name)

    def close(self) -> None:
        self._conn.close()


@contextmanager
def open_database(
    root: Path, database: str = ":memory:", config: dict[str, Any] | None = None
) -> Iterator[Engine]:
    """An engine whose spill and scratch files stay in a private folder under `root`,
    removed (with them) when it closes; one statement per call; engine errors come out as
    EngineError. Memory, threads and spill are capped (runtime/config/engine.py) unless
    `config` says otherwise."""
    with scratch_space(root) as scratch, withheld_engine_errors():
        settings = {**engine_limits(), **(config or {}), "temp_directory": str(scratch / SPILL)}
        conn = duckdb.connect(database, config=settings)
        try:
            yield DuckDBEngine(conn)
        finally:
            conn.close()


def scratch_dir(conn: Engine) -> Path:
    """The private scratch folder of a connection opened by `open_database`."""
    spill = Path(scalar(conn, "SELECT current_setting('temp_directory')"))
    if spill.name != SPILL:
        raise RuntimeError("this connection has no scratch folder: open it with open_database")
    return spill.parent


def row_counts(path: Path, config: dict[str, Any]) -> list[tuple[str, int]]:
    """(table, rows) of the database file's own tables."""
    with open_database(path.parent, str(path), config) as conn:
        return [(t, count(conn, f"SELECT * FROM {ident(t)}")) for t in tables(conn)]  # noqa: S608
