"""The DuckDB engine: one statement per call, withheld engine messages, private scratch."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb
import pytest

from runtime import paths
from runtime.engine.duck import (
    READ_ONLY,
    DuckDBEngine,
    EngineError,
    columns,
    count,
    open_database,
    row_counts,
    scalar,
    scratch_dir,
    tables,
    temp_table,
)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 1; SELECT 2",
        "CREATE TABLE t AS SELECT 1 AS x; SELECT 2",
        "SELECT CAST(1 AS VARCHAR); COPY (SELECT 1) TO 'out.csv'; SELECT CAST(1 AS INTEGER)",
    ],
)
def test_two_statements_are_refused_before_any_runs(tmp_path: Path, text: str) -> None:
    with open_database(tmp_path) as conn:
        with pytest.raises(EngineError, match="more than one statement"):
            conn.execute(text)
        with pytest.raises(EngineError, match="more than one statement"):
            conn.sql(text)
        assert tables(conn) == []
    assert not (tmp_path / "out.csv").exists()
    assert not Path("out.csv").exists()


def test_one_statement_with_a_trailing_semicolon_runs(tmp_path: Path) -> None:
    with open_database(tmp_path) as conn:
        assert scalar(conn, "SELECT 41 + 1;") == 42


def test_an_engine_error_withholds_the_value(tmp_path: Path) -> None:
    with pytest.raises(EngineError) as caught, open_database(tmp_path) as conn:
        conn.execute("SELECT CAST('secret-value-123' AS INTEGER)").fetchall()
    assert "secret-value-123" not in str(caught.value)
    assert "withheld" in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_an_engine_error_in_a_parameter_withholds_it(tmp_path: Path) -> None:
    with pytest.raises(EngineError) as caught, open_database(tmp_path) as conn:
        conn.execute("SELECT CAST(? AS INTEGER)", ["secret-value-456"]).fetchall()
    assert "secret-value-456" not in str(caught.value)


def test_scratch_is_private_while_open_and_gone_after(tmp_path: Path) -> None:
    with open_database(tmp_path) as conn:
        scratch = scratch_dir(conn)
        assert scratch.is_dir()
        assert scratch.is_relative_to(tmp_path)
        assert stat.S_IMODE(scratch.stat().st_mode) == paths.PRIVATE_DIR
    assert not scratch.exists()


def test_two_connections_get_their_own_scratch(tmp_path: Path) -> None:
    with open_database(tmp_path) as a, open_database(tmp_path) as b:
        assert scratch_dir(a) != scratch_dir(b)


def test_scratch_dir_refuses_a_connection_not_opened_here() -> None:
    engine = DuckDBEngine(duckdb.connect())
    try:
        with pytest.raises(RuntimeError, match="no scratch folder"):
            scratch_dir(engine)
    finally:
        engine.close()


def test_temp_table_scalar_count(tmp_path: Path) -> None:
    with open_database(tmp_path) as conn:
        temp_table(conn, "t", "SELECT range AS x FROM range(5)")
        assert count(conn, "SELECT * FROM t") == 5
        assert scalar(conn, "SELECT max(x) FROM t WHERE x < ?", [3]) == 2
        temp_table(conn, "t", "SELECT 1 AS x")  # replaced
        assert count(conn, "SELECT * FROM t") == 1


def test_tables_lists_own_tables_sorted_not_temp_tables(tmp_path: Path) -> None:
    with open_database(tmp_path) as conn:
        conn.execute("CREATE TABLE zeta (a INTEGER)")
        conn.execute("CREATE TABLE alpha (a INTEGER)")
        temp_table(conn, "scratchy", "SELECT 1 AS x")
        assert tables(conn) == ["alpha", "zeta"]


def test_columns_of_own_and_attached_tables(tmp_path: Path) -> None:
    with open_database(tmp_path) as conn:
        conn.execute("CREATE TABLE t (id BIGINT, name VARCHAR)")
        assert columns(conn, "t") == {"id": "BIGINT", "name": "VARCHAR"}
        assert columns(conn, "missing") == {}
        conn.execute(f"ATTACH '{tmp_path / 'other.duckdb'}' AS other")
        conn.execute("CREATE TABLE other.u (d DATE)")
        assert columns(conn, "u", "other") == {"d": "DATE"}
        assert columns(conn, "u") == {}


def test_row_counts_of_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "small.duckdb"
    with duckdb.connect(str(path)) as c:
        c.execute("CREATE TABLE b AS SELECT range AS x FROM range(3)")
        c.execute("CREATE TABLE a (x INTEGER)")
    assert row_counts(path, READ_ONLY) == [("a", 0), ("b", 3)]
    assert not any((tmp_path / "scratch").iterdir())  # its scratch is gone
