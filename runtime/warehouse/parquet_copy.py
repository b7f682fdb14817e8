"""The warehouse as Spark reads it: one Parquet file per table under the Spark data folder.

The copy is written by `member_erasure`, the step every job ends its warehouse work with, so
it never holds a row that a deletion request removed (P4): each copy replaces the last whole,
and a run on DuckDB removes a copy left by an earlier Spark run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from runtime import paths
from runtime.engine.duck import count
from runtime.engine.interface import Engine
from transforms.contract import EVENT_TABLES, MEMBERS
from transforms.person.tables import COOKIE_LINKS
from transforms.sql import ident, literal

if TYPE_CHECKING:  # pyspark is needed only where Spark is chosen
    from runtime.engine.spark import SparkEngine

SUFFIX = ".parquet"
# What the marts and release counts read, nothing more: not the deny-list tokens, not the
# key guard, not the erasure record (those stay in the warehouse file).
COPIED = (MEMBERS.name, *(spec.name for spec in EVENT_TABLES), COOKIE_LINKS)


def write_copy(conn: Engine, folder: Path) -> dict[str, int]:
    """The COPIED warehouse tables on `conn` into `folder`, swapped in at once; rows per table."""
    fresh, old = folder.with_name(folder.name + ".new"), folder.with_name(folder.name + ".old")
    for stale in (fresh, old):
        shutil.rmtree(stale, ignore_errors=True)
    paths.private_dir(folder.parent)
    fresh.mkdir(mode=paths.PRIVATE_DIR)
    rows = {}
    for table in COPIED:
        target = fresh / f"{table}{SUFFIX}"
        conn.execute(f"COPY {ident(table)} TO {literal(str(target))} (FORMAT parquet)")
        target.chmod(paths.PRIVATE_FILE)
        rows[table] = count(conn, f"SELECT * FROM {ident(table)}")  # noqa: S608
    if folder.exists():
        os.replace(folder, old)
    os.replace(fresh, folder)
    shutil.rmtree(old, ignore_errors=True)
    return rows


def remove_copy(folder: Path) -> bool:
    """Remove a copy (the engine is DuckDB again: nothing may keep erased rows); whether one was
    there."""
    found = folder.exists()
    shutil.rmtree(folder, ignore_errors=True)
    return found


def register_copy(engine: SparkEngine, folder: Path) -> list[str]:
    """Each table of the copy as a view of that name on `engine`; the names, sorted."""
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} holds no warehouse copy: run the main job with PIPELINE_ENGINE=spark first"
        )
    names = sorted(p.name.removesuffix(SUFFIX) for p in folder.glob(f"*{SUFFIX}"))
    for name in names:
        engine.register_parquet(name, str(folder / f"{name}{SUFFIX}"))
    return names
