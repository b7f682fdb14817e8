"""Publication: every staged mart, re-verified, copied at once into a fresh marts.duckdb that
the analysts' DuckDB CLI can open, with a comment on every table and column."""

import os
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines import duck
from pipelines.constants import MARTS
from pipelines.gate import gate_scanner, mart_gate
from pipelines.mart_verify import verify_mart
from pipelines.marts import MART_ASSETS, staged
from pipelines.paths import PUBLISHED_FILE
from pipelines.resources import MartsStore, PiiScanning, Policy, PseudonymKey
from transforms.mart_catalog import MARTS as MART_SPECS
from transforms.mart_spec import MartSpec
from transforms.sql import literal


def table_comment(spec: MartSpec, k: int) -> str:
    return f"{spec.comment} Every row stands for at least {k} distinct people."


def copy_mart(conn: duckdb.DuckDBPyConnection, spec: MartSpec, k: int) -> int:
    cols = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in spec.columns)
    conn.execute(f"CREATE TABLE marts.{spec.name} AS SELECT {cols} FROM {staged(spec)}")  # noqa: S608
    conn.execute(f"COMMENT ON TABLE marts.{spec.name} IS {literal(table_comment(spec, k))}")
    for c in spec.columns:
        conn.execute(f"COMMENT ON COLUMN marts.{spec.name}.{c.name} IS {literal(c.comment)}")
    return duck.count(conn, f"SELECT * FROM marts.{spec.name}")  # noqa: S608


def write_marts_file(conn: duckdb.DuckDBPyConnection, target: Path, k: int) -> dict[str, int]:
    """Build the file in scratch, then swap it in: open readers keep the old one."""
    tmp = duck.scratch_dir(conn) / target.name
    conn.execute(f"ATTACH {literal(str(tmp))} AS marts (STORAGE_VERSION '{duck.CLI_STORAGE}')")
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


@dg.asset(group_name=MARTS, kinds={"duckdb"}, deps=MART_ASSETS)
def published_marts(
    warehouse: DuckDBResource,
    marts: MartsStore,
    policy: Policy,
    pseudonym_key: PseudonymKey,
    pii: PiiScanning,
) -> dg.MaterializeResult:
    """marts.duckdb, what analysts open (read-only): every mart, published together only when
    every one passes its checks and the egress gate, so the tables always come from the same
    run. A failed check leaves the previous file in place."""
    rules = policy.load()
    k, labels = rules.marts.k, rules.mart_labels()
    with duck.connect(warehouse) as conn:
        marts.attach_staging(conn, read_only=True)
        scanner = gate_scanner(conn, pseudonym_key.secret(), rules, pii)
        failed = [
            f"{spec.name}: {v.check} ({v.description})"
            for spec in MART_SPECS
            for v in [
                *verify_mart(conn, spec, k, staged(spec), labels),
                mart_gate(conn, staged(spec), scanner),
            ]
            if not v.passed
        ]
        if failed:
            raise dg.Failure("marts not published, the previous file stays: " + "; ".join(failed))
        rows = write_marts_file(conn, marts.published, k)
    return dg.MaterializeResult(
        metadata={"path": str(marts.published), "k": k, **{f"rows_{t}": n for t, n in rows.items()}}
    )


def publication_problems(path: Path) -> list[str]:
    """What stops marts.duckdb from being what analysts were promised."""
    if not path.exists():
        return [f"{path} does not exist"]
    problems = []
    if path.stat().st_mode & 0o777 != PUBLISHED_FILE:
        problems.append(f"mode {oct(path.stat().st_mode & 0o777)}, not read-only")
    conn = duckdb.connect(str(path), read_only=True)
    try:
        tables = dict(
            conn.execute(
                "SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal"
            ).fetchall()
        )
        cols = conn.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal"
        ).fetchall()
    finally:
        conn.close()
    expected = {spec.name for spec in MART_SPECS}
    if set(tables) != expected:
        problems.append(f"tables {sorted(tables)} are not the marts {sorted(expected)}")
    bare = [t for t, c in tables.items() if not c] + [f"{t}.{c}" for t, c, x in cols if not x]
    if bare:
        problems.append(f"no comment on {bare}")
    return problems


@dg.asset_check(asset=published_marts, blocking=True)
def marts_file_as_promised(marts: MartsStore) -> dg.AssetCheckResult:
    """marts.duckdb holds exactly the marts, every table and column commented, read-only."""
    problems = publication_problems(marts.published)
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(problems) or "every mart present and commented, file read-only",
    )
