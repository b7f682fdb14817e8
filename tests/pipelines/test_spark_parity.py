"""Parity (issue 14): the main job and a release run on generated data, once with DuckDB and once
with the marts and release counts on Spark (local mode), give the same warehouse, the same marts
and the same true counts before noise; every check passes on both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.constants import RELEASE_JOB
from pipelines.resources import Compute, ReleaseSettings, connect, warehouse_resource
from runtime.releases.period import release_period
from runtime.warehouse.links import LINKED_PARTS
from runtime.warehouse.parquet_copy import COPIED
from sampledata import generate
from tests.pipelines.conftest import build_defs, checks, run_main
from transforms.releases.queries import bounded_counts_sql

END = dt.date(2026, 11, 24)
MONTH = "2026-11-01"
ENGINES = ("duckdb", "spark")


def compute(root: Path, engine: str) -> Compute:
    return Compute(root=str(root), engine=engine, spark_master="local[2]")


def release(root: Path, engine: str) -> dg.ExecuteInProcessResult:
    defs = build_defs(root, compute=compute(root, engine))
    consumers = ReleaseSettings().load((10,)).consumers
    ops = {f"{c}_release_draft": {"config": {"only": [], "last_day": ""}} for c in consumers}
    return defs.resolve_job_def(RELEASE_JOB).execute_in_process(
        partition_key=MONTH, run_config={"ops": ops}, raise_on_error=False
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[bool]]]:
    out = {}
    for engine in ENGINES:
        root = tmp_path_factory.mktemp(engine) / "data"
        generate(root, members=3000, days=3, seed=11, end_date=END)
        main = run_main(root, first="2026-11-22", last="2026-11-24",
                        resources={"compute": compute(root, engine)})  # fmt: skip
        releases = release(root, engine)
        out[engine] = (root, [main.success, *checks(main).values(), releases.success,
                              *checks(releases).values()])  # fmt: skip
    return out


def rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    conn = duckdb.connect(str(database), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_every_run_and_check_passes_on_both_engines(runs) -> None:
    assert {e: all(ok) and len(ok) > 20 for e, (_, ok) in runs.items()} == dict.fromkeys(
        ENGINES, True
    )


def test_the_warehouse_and_the_copy_spark_reads_are_the_same(runs) -> None:
    (duck, _), (spark, _) = runs["duckdb"], runs["spark"]
    names = [r[0] for r in rows(duck / "warehouse.duckdb", "SHOW TABLES")]
    assert names == [r[0] for r in rows(spark / "warehouse.duckdb", "SHOW TABLES")]
    copy = compute(spark, "spark").copy_folder
    assert sorted(p.stem for p in copy.glob("*.parquet")) == sorted(COPIED)
    assert set(COPIED) < set(names) and "known_member_tokens" not in COPIED
    for name in (n for n in names if n != LINKED_PARTS):  # each root's own raw file times
        everything = f"SELECT * FROM {name} ORDER BY ALL"
        expected = rows(duck / "warehouse.duckdb", everything)
        assert rows(spark / "warehouse.duckdb", everything) == expected, name
        if name in COPIED:
            parquet = f"SELECT * FROM read_parquet('{copy / name}.parquet') ORDER BY ALL"
            assert expected and rows(duck / "warehouse.duckdb", parquet) == expected, name
    assert not compute(duck, "duckdb").copy_folder.exists()  # DuckDB runs keep no copy


def test_the_marts_are_the_same_row_for_row(runs) -> None:
    (duck, _), (spark, _) = runs["duckdb"], runs["spark"]
    names = [r[0] for r in rows(duck / "marts.duckdb", "SHOW TABLES")]
    filled = 0
    for name in names:
        duck_rows = rows(duck / "marts.duckdb", f"SELECT * FROM {name}")
        assert rows(spark / "marts.duckdb", f"SELECT * FROM {name}") == duck_rows, name
        filled += bool(duck_rows)
    assert len(names) == 6 and filled >= 5  # the sample's few orders leave shopping empty


def test_the_true_counts_of_every_release_query_are_the_same(runs) -> None:
    spark_root, _ = runs["spark"]
    settings = ReleaseSettings().load((10,))
    compared = 0
    with (
        connect(warehouse_resource(spark_root)) as conn,
        compute(spark_root, "spark").spark() as spark,
    ):
        assert spark is not None
        period = release_period(conn, MONTH, "")
        for name in settings.consumers:
            for query in settings.plan(name, period, (10,)).queries.values():
                sql = bounded_counts_sql(query)
                duck_counts = conn.execute(sql).fetchall()
                assert spark.execute(sql).fetchall() == duck_counts, query.label
                compared += sum(value > 0 for _, value in duck_counts)
    assert compared > 10  # counts that are not all zero were compared


def test_switching_back_to_duckdb_removes_the_copy(runs, tmp_path: Path) -> None:
    """A copy is only as fresh as the last erasure that wrote it: a DuckDB run deletes it."""
    spark_root, _ = runs["spark"]
    folder = tmp_path / "copy"
    spark_side = Compute(root=str(spark_root), engine="spark", spark_data=str(folder))
    written = spark_side.refresh_copy(warehouse_resource(spark_root))
    assert written["spark_copy_rows_members"] > 0 and (folder / "warehouse").is_dir()
    duck_side = Compute(root=str(spark_root), engine="duckdb", spark_data=str(folder))
    assert duck_side.refresh_copy(warehouse_resource(spark_root)) == {"spark_copy_removed": 1}
    assert not (folder / "warehouse").exists()
