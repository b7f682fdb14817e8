"""File-level safety: owner-only modes, atomic replacement, and byte-clean database rewrites."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from runtime import paths
from runtime.engine.duck import open_database, scratch_dir
from runtime.engine.interface import Engine
from runtime.paths import PRIVATE_FILE
from transforms.sql import literal


def exposed_files(root: Path) -> tuple[int, list[str]]:
    """(entries checked, entries under `root` open to group or others), marts.duckdb aside and
    the root itself only as the enter-but-not-list folder it is meant to be. Symlinks are not
    followed. Names are relative to the root (they are ours, never a value)."""
    checked, exposed = 0, []
    if root.is_dir() and stat.S_IMODE(root.stat().st_mode) & 0o077 & ~0o011:
        exposed.append(".")
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            p = Path(folder, name)
            checked += 1
            if p == paths.marts_path(root) or p.is_symlink():
                continue
            try:
                mode = stat.S_IMODE(p.lstat().st_mode)
            except FileNotFoundError:  # removed while we walked (a WAL, a scratch folder)
                continue
            if mode & 0o077:
                exposed.append(str(p.relative_to(root)))
    return checked, exposed


def make_private(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.chmod(PRIVATE_FILE)


def write_parquet(conn: Engine, query: str, target: Path) -> int:
    """Write `query` to `target` atomically (a scratch file, then rename), owner-only; rows
    written. A kill leaves the half-written file in scratch, which the next start removes."""
    tmp = scratch_dir(conn) / f"{target.name}.tmp"
    conn.execute(f"COPY ({query}) TO {literal(str(tmp))} (FORMAT parquet)")
    tmp.chmod(PRIVATE_FILE)
    os.replace(tmp, target)
    return int(
        conn.execute(f"SELECT count(*) FROM read_parquet({literal(str(target))})").fetchall()[0][0]  # noqa: S608
    )


def rewrite_database(path: Path) -> None:
    """Copy the database into a fresh file and swap it in: deleted rows' bytes stay behind.

    DuckDB keeps deleted values in the file even after CHECKPOINT and VACUUM (CONTRACT.md, P4);
    a fresh copy holds only live rows. No connection to `path` may be open.
    """
    if not path.exists():
        return
    with open_database(path.parent) as conn:  # the copy is in scratch until it replaces path
        fresh = scratch_dir(conn) / f"{path.name}.rewrite"
        conn.execute(f"ATTACH {literal(str(path))} AS old_db (READ_ONLY)")
        conn.execute(f"ATTACH {literal(str(fresh))} AS new_db")
        conn.execute("COPY FROM DATABASE old_db TO new_db")
        conn.execute("DETACH new_db")
        conn.execute("DETACH old_db")
        fresh.chmod(PRIVATE_FILE)
        os.replace(fresh, path)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
