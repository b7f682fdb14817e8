"""Attacks run on the same real runs as tests/pipelines: its fixtures, shared. Every attack on
a data root runs on both engines (issue 14): the marts and release counts on DuckDB and on
Spark in local mode."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from runtime.config.engine import ENGINE_ENV, ENGINES, MASTER_ENV
from tests.pipelines.conftest import KEY

__all__ = ["engine", "env", "instance_under", "on_engine", "root"]
SPARK_MASTER = "local[2]"


def on_engine(monkeypatch: pytest.MonkeyPatch, engine: str) -> None:
    """The environment an operator sets to run on this engine (children inherit it)."""
    monkeypatch.setenv(ENGINE_ENV, engine)
    monkeypatch.setenv(MASTER_ENV, SPARK_MASTER)


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Module-wide, so that a module's shared world is built on the engine its tests use."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        on_engine(monkeypatch, request.param)
        yield request.param


@pytest.fixture
def root(tmp_path: Path, engine: str) -> Path:
    return tmp_path / "data"


@pytest.fixture
def env(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment on the test's data root, as `make run` sets it."""
    monkeypatch.setenv("PIPELINE_DATA", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "unused"))  # restored after the test
    monkeypatch.setenv("PIPELINE_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("PIPELINE_ENV", raising=False)
    return root


@contextlib.contextmanager
def instance_under(root: Path) -> Iterator[dg.DagsterInstance]:
    """A Dagster instance whose run storage, event logs and compute logs live under the data
    root, as `make run` keeps them: what a sweep of the root must search too."""
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        yield instance
