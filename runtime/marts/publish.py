"""Publication: every staged mart copied at once into a fresh marts.duckdb that the analysts'
DuckDB CLI can open, with a comment on every table and column, and what stops that file from
being what analysts were promised."""

from __future__ import annotations

import os
from pathlib import Path

from runtime.engine.duck import CLI_STORAGE, READ_ONLY, count, open_database, scratch_dir
from runtime.engine.interface import Engine
from runtime.paths import PUBLISHED_FILE
from transforms.marts.catalog import MARTS as MART_SPECS
from transforms.marts.spec import MartSpec
from transforms.sql import literal


def staged(spec: MartSpec) -> str:
    """Where a mart waits, checked, in the attached staging file."""
    return f"staging.{spec.name}"


def attach_staging(conn: Engine, staging: Path, *, read_only: bool) -> None:
    """Attach the staging file as `staging` to a warehouse connection."""
    mode = " (READ_ONLY)" if read_only else ""
    conn.execute(f"ATTACH {literal(str(staging))} AS staging{mode}")


def table_comment(spec: MartSpec, k: int) -> str:
    return f"{spec.comment} Every row stands for at least {k} distinct people."


def copy_mart(conn: Engine, spec: MartSpec, k: int) -> int:
    cols = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in spec.columns)
    conn.execute(f"CREATE TABLE marts.{spec.name} AS SELECT {cols} FROM {staged(spec)}")  # noqa: S608
    conn.execute(f"COMMENT ON TABLE marts.{spec.name} IS {literal(table_comment(spec, k))}")
    for c in spec.columns:
        conn.execute(f"COMMENT ON COLUMN marts.{spec.name}.{c.name} IS {literal(c.comment)}")
    return count(conn, f"SELECT * FROM marts.{spec.name}")  # noqa: S608


def write_marts_file(conn: Engine, target: Path, k: int) -> dict[str, int]:
    """Build the file in scratch, then swap it in: open readers keep the old one."""
    tmp = scratch_dir(conn) / target.name
    conn.execute(f"ATTACH {literal(str(tmp))} AS marts (STORAGE_VERSION '{CLI_STORAGE}')")
    try:
        rows = {spec.name: copy_mart(conn, spec, k) for spec in MART_SPECS}
    except BaseException:
        conn.execute("DETACH marts")
        tmp.unlink(missing_ok=True)
        raise
    conn.execute("DETACH marts")
    tmp.chmod(PUBLISHED_FILE)
    os.replace(tmp, target)
    return rows


def publication_problems(path: Path) -> list[str]:
    """What stops marts.duckdb from being what analysts were promised."""
    if not path.exists():
        return [f"{path} does not exist"]
    problems = []
    if path.stat().st_mode & 0o777 != PUBLISHED_FILE:
        problems.append(f"mode {oct(path.stat().st_mode & 0o777)}, not read-only")
    with open_database(path.parent, str(path), READ_ONLY) as conn:
        tables = dict(
            conn.execute(
                "SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal"
            ).fetchall()
        )
        cols = conn.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal"
        ).fetchall()
    expected = {spec.name for spec in MART_SPECS}
    if set(tables) != expected:
        problems.append(f"tables {sorted(tables)} are not the marts {sorted(expected)}")
    bare = [t for t, c in tables.items() if not c] + [f"{t}.{c}" for t, c, x in cols if not x]
    if bare:
        problems.append(f"no comment on {bare}")
    return problems
