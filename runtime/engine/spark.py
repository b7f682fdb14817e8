"""The Engine on Spark: the runtime's DuckDB SQL, transpiled (runtime/engine/spark_sql.py), run
by a SparkSession (`local[*]` on one machine, a cluster's master URL when the site outgrows it).

Tables a step makes are temp views of checkpointed DataFrames: each statement's result is
computed once and its lineage cut, as a DuckDB temp table is. Spark's messages, like DuckDB's,
can quote raw values (a failed cast names the value): they become an EngineError naming only the
error class. Spark's own log is switched off for the same reason.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from py4j.protocol import Py4JError  # type: ignore[import-untyped]
from pyspark.errors import PySparkException
from pyspark.logger import PySparkLogger
from pyspark.sql import DataFrame, SparkSession

from runtime.config.engine import SparkSettings
from runtime.engine.duck import EngineError
from runtime.engine.interface import Relation, Rows
from runtime.engine.scratch import scratch_space
from runtime.engine.spark_sql import Kind, UnsupportedStatementError, translate


def spark_failure(exc: Exception) -> str:
    condition = exc.getCondition() if isinstance(exc, PySparkException) else None
    kind = condition or type(exc).__name__
    return f"Spark stopped ({kind}); its own message is withheld because it can quote raw values"


@contextlib.contextmanager
def withheld_spark_errors() -> Iterator[None]:
    try:
        yield
    except UnsupportedStatementError as exc:
        raise EngineError(str(exc)) from None
    except (PySparkException, Py4JError) as exc:
        raise EngineError(spark_failure(exc)) from None


class _Rows:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    def fetchall(self) -> list[Any]:
        return self._rows


class SparkRelation:
    """A query not yet run, as `Engine.sql` returns it."""

    def __init__(self, frame: DataFrame) -> None:
        self._frame = frame

    @property
    def description(self) -> list[tuple[str, str]]:
        return [(f.name, f.dataType.simpleString()) for f in self._frame.schema.fields]

    def fetchall(self) -> list[Any]:
        with withheld_spark_errors():
            return [tuple(r) for r in self._frame.collect()]

    def to_arrow_table(self) -> pa.Table:
        with withheld_spark_errors():
            return self._frame.toArrow()


class SparkEngine:
    """One step's view of a SparkSession; `close` drops the views the step made."""

    def __init__(self, session: SparkSession) -> None:
        self._spark = session
        self._views: set[str] = set()

    def _frame(self, query: str, parameters: Sequence[Any] | None) -> DataFrame:
        return self._spark.sql(query, args=list(parameters) if parameters else None)

    def _keep(self, name: str, frame: DataFrame) -> None:
        frame.localCheckpoint(eager=True).createOrReplaceTempView(name)
        self._views.add(name)

    def execute(self, query: str, parameters: Sequence[Any] | None = None) -> Rows:
        with withheld_spark_errors():
            stmt = translate(query)
            if stmt.kind is Kind.CREATE:
                self._keep(stmt.table, self._frame(stmt.query, parameters))
                return _Rows([])
            if stmt.kind is Kind.INSERT:
                new = self._frame(stmt.query, parameters).localCheckpoint(eager=True)
                self._keep(stmt.table, self._spark.table(stmt.table).union(new))
                return _Rows([(new.count(),)])
            if stmt.kind is Kind.DROP:
                self._spark.catalog.dropTempView(stmt.table)
                self._views.discard(stmt.table)
                return _Rows([])
            return _Rows([tuple(r) for r in self._frame(stmt.query, parameters).collect()])

    def sql(self, query: str) -> Relation:
        with withheld_spark_errors():
            stmt = translate(query)
            if stmt.kind is not Kind.QUERY:
                raise EngineError("Engine.sql takes a query; other statements go to execute")
            return SparkRelation(self._frame(stmt.query, None))

    def register(self, view_name: str, python_object: pa.Table) -> Any:
        with withheld_spark_errors():
            self._keep(view_name, self._spark.createDataFrame(python_object))

    def register_parquet(self, view_name: str, path: str) -> None:
        """A table of Parquet files (a folder or a file) as a view, read where it lies."""
        with withheld_spark_errors():
            self._spark.read.parquet(path).createOrReplaceTempView(view_name)
            self._views.add(view_name)

    def unregister(self, view_name: str) -> Any:
        with withheld_spark_errors():
            self._spark.catalog.dropTempView(view_name)
            self._views.discard(view_name)

    def close(self) -> None:
        for name in sorted(self._views):
            self._spark.catalog.dropTempView(name)
        self._views.clear()


# PySpark logs every failed query's message, which can quote a value, before raising it;
# py4j's debug log echoes every call to the JVM, SQL text and arguments included.
_VALUE_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")
_OPEN: dict[str, Any] = {}  # the process's one session, its key and its scratch folder


def close_session() -> None:
    """Stop the process's session and remove its scratch folder (a no-op when none runs)."""
    if _OPEN:
        _OPEN.pop("session").stop()  # first: the JVM lets go of its scratch files
        _OPEN.pop("scratch").close()
        _OPEN.clear()


def _session(settings: SparkSettings, root: Path) -> SparkSession:
    """The process's session: a JVM starts once per process, not once per step. Its spill
    and shuffle files live in a private scratch folder under the data root, held while the
    session lives (removed when it stops, or by the next start if the process was killed).
    Spark holds one session per process: another master or data root replaces it."""
    key = (settings.master, str(root))
    if _OPEN.get("key") != key:
        close_session()
        scratch = contextlib.ExitStack()
        local_dir = scratch.enter_context(scratch_space(root))
        builder = SparkSession.builder.master(settings.master).appName("veil")
        # The catalog's warehouse folder defaults to the working directory, made world-readable.
        private = {"spark.local.dir": str(local_dir), "spark.sql.warehouse.dir": str(local_dir)}
        for name, value in {**settings.conf(), **private}.items():
            builder = builder.config(name, value)
        started = builder.getOrCreate()
        started.sparkContext.setLogLevel("OFF")
        for name in _VALUE_LOGGERS:
            PySparkLogger.getLogger(name).disabled = True
        logging.getLogger("py4j").setLevel(logging.WARNING)  # its debug lines echo each call
        _OPEN.update(key=key, session=started, scratch=scratch)
    session: SparkSession = _OPEN["session"]
    return session


atexit.register(close_session)


@contextlib.contextmanager
def open_spark(settings: SparkSettings, root: Path) -> Iterator[SparkEngine]:
    """A Spark engine for one step; the views it made are dropped when the step ends."""
    with withheld_spark_errors():
        engine = SparkEngine(_session(settings, root))
    try:
        yield engine
    finally:
        engine.close()
