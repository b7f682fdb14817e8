"""Owner-only scratch space under the data root: DuckDB's spill files, CSV exports read as
Parquet, database rewrites and files about to replace others live here and nowhere else.

Each connection gets its own folder, holding an exclusive lock while it lives and removed when
it closes. A folder whose lock nobody holds was left by a killed process: the next start (or
`clean_stale`) removes it, with whatever person-level bytes it held.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from runtime import paths

LOCK = ".lock"
_SETTLING_SECONDS = 5  # a folder this young may not hold its lock yet: never removed


def scratch_root(root: Path) -> Path:
    return root / "scratch"


@contextlib.contextmanager
def scratch_space(root: Path) -> Iterator[Path]:
    """A fresh private folder under root/scratch/, locked while in use, removed afterwards."""
    paths.data_root_dir(root)
    clean_stale(root)
    folder = paths.private_dir(scratch_root(root)) / uuid.uuid4().hex
    folder.mkdir(mode=paths.PRIVATE_DIR)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, paths.PRIVATE_FILE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def clean_stale(root: Path) -> int:
    """Remove scratch folders of processes that are gone; returns how many."""
    base = scratch_root(root)
    removed = 0
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        if folder.is_dir() and not _in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _in_use(folder: Path) -> bool:
    if time.time() - folder.stat().st_mtime < _SETTLING_SECONDS:
        return True  # maybe being created: its lock may not be held yet
    return lock_held(folder / LOCK)


def lock_held(lock_file: Path) -> bool:
    """Whether a live process holds an exclusive flock on `lock_file` (the kernel drops it when
    its holder dies, so a killed process's lock is not held). No such file: not held."""
    try:
        fd = os.open(lock_file, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # and with it the probe's own lock
    return False
