"""The Spark engine on a real local SparkSession: the Engine calls the runtime makes, with the
same answers and the same refusals as on DuckDB."""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow as pa
import pytest

from runtime.config.engine import EngineChoice
from runtime.engine.duck import EngineError, open_database
from runtime.engine.scratch import scratch_root
from runtime.engine.spark import close_session, open_spark
from runtime.engine.spark_sql import Kind, UnsupportedStatementError, translate
from runtime.marts.build import build_mart
from transforms.marts.catalog import MARTS
from transforms.releases.queries import Dimension, Query, bounded_counts_sql

SETTINGS = EngineChoice("spark", "local[2]", "").spark_settings()
PEOPLE = pa.table(
    {
        "member_pseudonym": [f"p{i:03d}" for i in range(60)],
        "age_band": ["20s", "30s", "40s"] * 20,
        "gender": ["F", "M", None, "F"] * 15,
        "region": ["Seoul"] * 40 + ["Busan"] * 15 + ["Jeju"] * 5,
        "may_count_analytics": [True] * 58 + [False] * 2,
    }
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark") / "data"


def test_statements_that_keep_state_become_frame_operations() -> None:
    assert translate("CREATE OR REPLACE TEMP TABLE _c AS SELECT 1 AS a").kind is Kind.CREATE
    assert translate("INSERT INTO _w SELECT a FROM t").table == "_w"
    assert translate("DROP TABLE _c").kind is Kind.DROP
    q = translate("SELECT * FROM t QUALIFY row_number() OVER (ORDER BY a) <= ?")
    assert q.kind is Kind.QUERY and "QUALIFY" not in q.query.upper()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1; COPY t TO '/tmp/x.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "CREATE TABLE staging.m AS SELECT 1",
        "COMMENT ON TABLE t IS 'x'",
    ],
)
def test_what_has_no_place_on_spark_is_refused(sql: str) -> None:
    with pytest.raises(UnsupportedStatementError):
        translate(sql)


def test_temp_tables_inserts_and_parameters(root: Path) -> None:
    with open_spark(SETTINGS, root) as spark:
        spark.register("people", PEOPLE)
        spark.execute(
            "CREATE OR REPLACE TEMP TABLE _s AS SELECT * FROM people WHERE region = ?", ["Jeju"]
        )
        added = spark.execute("INSERT INTO _s SELECT * FROM people WHERE region = 'Busan'")
        assert added.fetchall() == [(15,)]
        rows = spark.execute(
            "SELECT region, count(*) FROM _s GROUP BY region ORDER BY 1"
        ).fetchall()
        assert rows == [("Busan", 15), ("Jeju", 5)]
        assert [d[0] for d in spark.sql("SELECT age_band FROM _s").description] == ["age_band"]
    with open_spark(SETTINGS, root) as spark, pytest.raises(EngineError):
        spark.execute("SELECT * FROM _s")  # the step's views went with it


def test_a_failure_names_its_kind_never_the_value(root: Path, caplog, capfd) -> None:
    secret = "010-9876-5432"
    with (
        caplog.at_level(logging.DEBUG),
        open_spark(SETTINGS, root) as spark,
        pytest.raises(EngineError) as failure,
    ):
        spark.execute(f"SELECT CAST('{secret}' AS INTEGER)")
    out, err = capfd.readouterr()
    assert "CAST_INVALID_INPUT" in str(failure.value)
    assert secret not in str(failure.value) + caplog.text + out + err


def test_spill_and_catalog_stay_in_private_scratch_until_the_session_closes(root: Path) -> None:
    with open_spark(SETTINGS, root) as spark:
        local = Path(spark._spark.conf.get("spark.local.dir"))
        catalog = Path(spark._spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:"))
        assert spark.execute("SELECT 1").fetchall() == [(1,)]
    assert local.parent == scratch_root(root) and local.is_dir() and catalog == local
    assert local.stat().st_mode & 0o077 == 0
    close_session()  # what the Compute resource does when a run ends
    assert not local.exists() and not any(scratch_root(root).iterdir())


def test_a_mart_and_a_bounded_count_match_duckdb(root: Path) -> None:
    audience = next(s for s in MARTS if s.name == "audience_overview")
    query = Query(
        "ages", {}, (Dimension("age_band", ("20s", "30s", "40s", "50s")),),
        "SELECT member_pseudonym, age_band FROM people", True, 1,
    )  # fmt: skip
    answers = []
    with open_database(root) as duck, open_spark(SETTINGS, root) as spark:
        for engine in (duck, spark):
            engine.register("members", PEOPLE)
            engine.register("people", PEOPLE)
            stats = build_mart(engine, audience, 10, "_mart")
            mart = engine.execute("SELECT * FROM _mart").fetchall()
            answers.append((stats, mart, engine.execute(bounded_counts_sql(query)).fetchall()))
    assert answers[0] == answers[1]
    assert answers[0][0].cells_withheld > 0 or answers[0][0].cells_suppressed > 0  # not trivial
