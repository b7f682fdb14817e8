"""Each mart's contributions, kept as Parquet from the build that used them: the build's checks
and the publication recount the mart from them instead of reading the warehouse twice more.

A file replaces the last only once its mart is staged, so the file always belongs to the staged
mart; a Spark build removes it, so that its checks recount on DuckDB (two engines must agree)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from runtime import paths
from runtime.engine.duck import temp_table
from runtime.engine.interface import Engine
from runtime.storage import write_parquet
from transforms.marts.spec import MartSpec
from transforms.sql import literal


def contributions_file(root: Path, spec: MartSpec) -> Path:
    return paths.contributions_dir(root) / f"{spec.name}.parquet"


def pending_file(final: Path) -> Path:
    """Where a build writes the file before its mart is staged."""
    return final.with_name(final.name + ".pending")


def write_pending(conn: Engine, relation: str, final: Path) -> None:
    paths.private_dir(final.parent)
    write_parquet(conn, f"SELECT * FROM {relation}", pending_file(final))  # noqa: S608


def settle(final: Path) -> None:
    """The mart is staged: its contributions become the ones its checks read."""
    os.replace(pending_file(final), final)


def discard(final: Path) -> None:
    final.unlink(missing_ok=True)
    pending_file(final).unlink(missing_ok=True)


def stage_contributions(conn: Engine, spec: MartSpec, name: str, kept: Path | None) -> None:
    """Temp table `name`: the staged mart's contributions, from `kept` when its build left them,
    else counted again from the warehouse."""
    if kept is not None and kept.exists():
        temp_table(conn, name, f"SELECT * FROM read_parquet({literal(str(kept))})")  # noqa: S608
    else:
        temp_table(conn, name, spec.contributions)


def forget_all(root: Path) -> None:
    """Erasure removes every kept contribution: the next build counts the warehouse again."""
    shutil.rmtree(paths.contributions_dir(root), ignore_errors=True)
