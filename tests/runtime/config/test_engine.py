"""Engine limits (issue 14): every connection is capped in memory, threads and spill."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.config.engine import (
    ENGINE_ENV,
    MASTER_ENV,
    MEMORY_ENV,
    SPILL_ENV,
    THREADS_ENV,
    EngineSettingError,
    engine_choice,
    engine_limits,
    physical_memory,
)
from runtime.engine.duck import open_database, scalar


def test_defaults_leave_room_for_the_rest_of_the_run() -> None:
    limits = engine_limits({})
    memory = int(limits["memory_limit"].removesuffix("MiB")) * 2**20
    assert 0 < memory <= physical_memory() // 4
    assert limits["threads"] >= 1 and limits["max_temp_directory_size"] == "4GiB"


def test_the_environment_sets_them() -> None:
    limits = engine_limits({MEMORY_ENV: "2GiB", THREADS_ENV: "1", SPILL_ENV: "500MiB"})
    assert limits == {"memory_limit": "2GiB", "threads": 1, "max_temp_directory_size": "500MiB"}


@pytest.mark.parametrize(
    ("name", "value"),
    [(MEMORY_ENV, "lots"), (MEMORY_ENV, "8GiB; SET x=1"), (THREADS_ENV, "0"), (SPILL_ENV, "-1GB")],
)
def test_a_malformed_setting_is_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(EngineSettingError, match=name) as caught:
        engine_limits({name: value})
    assert value not in str(caught.value)


def test_every_connection_opens_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "1GiB")
    monkeypatch.setenv(SPILL_ENV, "256MiB")
    with open_database(tmp_path) as conn:
        memory = scalar(conn, "SELECT current_setting('memory_limit')")
        spill = scalar(conn, "SELECT current_setting('max_temp_directory_size')")
    assert (
        memory.replace(" ", "") in ("1.0GiB", "1024.0MiB") and spill.replace(" ", "") == "256.0MiB"
    )


def test_the_engine_is_duckdb_unless_spark_is_chosen(tmp_path: Path, monkeypatch) -> None:
    assert engine_choice({}).kind == "duckdb" and not engine_choice({}).spark
    spark = engine_choice({ENGINE_ENV: "Spark", MASTER_ENV: "spark://head:7077"})
    assert spark.spark and spark.spark_master == "spark://head:7077"
    assert spark.spark_folder(tmp_path) == tmp_path / "spark"
    monkeypatch.setenv(MEMORY_ENV, "2GiB")  # on one machine, Spark's driver gets the engine's share
    local = engine_choice({}).spark_settings().conf()
    assert local["spark.driver.memory"] == "2048m" and "spark.sql.shuffle.partitions" in local
    assert "spark.driver.memory" not in spark.spark_settings().conf()  # a cluster keeps its own


def test_a_misspelt_engine_is_refused_by_name() -> None:
    with pytest.raises(EngineSettingError, match=ENGINE_ENV):
        engine_choice({ENGINE_ENV: "postgres"})
