"""The one engine interface every query of the runtime runs through.

DuckDB is its only implementation today (`runtime.engine.duck.open_database`); a Spark engine
implements the same calls so that no caller changes. Callers hold an `Engine`, never a
`duckdb` object: SQL text goes in (values as `?` parameters), rows or Arrow tables come out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import pyarrow as pa


class Rows(Protocol):
    """The result of `Engine.execute`."""

    def fetchall(self) -> list[Any]: ...


class Relation(Protocol):
    """The result of `Engine.sql`: a query not yet run."""

    @property
    def description(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def to_arrow_table(self) -> pa.Table: ...


class Engine(Protocol):
    def execute(self, query: str, parameters: Sequence[Any] | None = None) -> Rows: ...

    def sql(self, query: str) -> Relation: ...

    def register(self, view_name: str, python_object: pa.Table) -> Any: ...

    def unregister(self, view_name: str) -> Any: ...

    def close(self) -> None: ...
