"""Attacks run on the same real runs as tests/pipelines: its fixtures, shared."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from tests.pipelines.conftest import KEY, root

__all__ = ["env", "instance_under", "root"]


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
