"""Blocking checks on the warehouse as a whole, run after erasure (the last write of a run)."""

import stat
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines import duck
from pipelines.deletion import (
    erase_warehouse,
    erased_quarantine_condition,
    member_erasure,
    stage_erased_pseudonyms,
)
from pipelines.duck import columns, tables, temp_table
from pipelines.loading import stage_erasure, stage_raw
from pipelines.resources import Policy, PseudonymKey, Quarantine, RawSource
from transforms.checks import identifier_hits_sql, raw_identifiers_sql
from transforms.contract import AD_EVENTS, MEMBERS, VISITS
from transforms.sql import literal


def _fail_unless(ok: bool, description: str, metadata: dict[str, int]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=ok, severity=dg.AssetCheckSeverity.ERROR, description=description, metadata=metadata
    )


def string_columns(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every text column of the warehouse's own tables."""
    return [
        (t, c) for t in tables(conn) for c, kind in columns(conn, t).items() if kind == "VARCHAR"
    ]


def identifier_hits(
    conn: duckdb.DuckDBPyConnection, raw: RawSource, policy: Policy
) -> dict[str, int]:
    """Per warehouse column, how many distinct values or tokens equal a raw identifier."""
    rules = policy.load()
    for spec in (MEMBERS, VISITS, AD_EVENTS):
        stage_raw(conn, spec, raw, rules, None, f"raw_all_{spec.name}")
    sources = [
        ("raw_all_visits", "cookie_id"),
        ("raw_all_visits", "ip"),
        ("raw_all_ad_events", "cookie_id"),
    ]
    temp_table(conn, "raw_identifiers", raw_identifiers_sql("raw_all_members", sources))
    hits = {}
    for table, column in string_columns(conn):
        n = int(
            conn.execute(identifier_hits_sql("raw_identifiers", table, column)).fetchall()[0][0]
        )
        hits[f"{table}.{column}"] = n
    return hits


@dg.asset_check(asset=member_erasure, blocking=True)
def no_raw_identifier_in_warehouse(
    warehouse: DuckDBResource, raw_source: RawSource, policy: Policy
) -> dg.AssetCheckResult:
    """No value in any text column of the warehouse (nor any token of a URL) equals a raw email,
    phone, name, nickname, member id, cookie id or IP."""
    with duck.connect(warehouse) as conn:
        hits = identifier_hits(conn, raw_source, policy)
    bad = {k: v for k, v in hits.items() if v}
    return _fail_unless(
        not bad,
        f"raw identifiers found in {sorted(bad)}" if bad else f"{len(hits)} text columns clean",
        {"columns_scanned": len(hits), **{f"hits_{k}": v for k, v in bad.items()}},
    )


@dg.asset_check(asset=member_erasure, blocking=True)
def no_erased_member_remains(
    warehouse: DuckDBResource,
    raw_source: RawSource,
    quarantine: Quarantine,
    pseudonym_key: PseudonymKey,
    policy: Policy,
) -> dg.AssetCheckResult:
    """No warehouse row carries the pseudonym of a member with a deletion request (or of a
    cookie they used), and no quarantine file holds their raw id."""
    with duck.connect(warehouse) as conn:
        stage_erasure(conn, raw_source, policy.load())
        stage_erased_pseudonyms(conn, pseudonym_key.secret())
        conn.execute("BEGIN")
        remaining = sum(erase_warehouse(conn).values())  # counted, then rolled back
        conn.execute("ROLLBACK")
        in_quarantine = 0
        for f in quarantine.files():
            scan = f"read_parquet({literal(str(f))})"
            cond = erased_quarantine_condition(table_columns_of(conn, scan))
            in_quarantine += int(
                conn.execute(f"SELECT count(*) FROM {scan} WHERE {cond}").fetchall()[0][0]  # noqa: S608
            )
    return _fail_unless(
        remaining == 0 and in_quarantine == 0,
        f"{remaining} warehouse row(s) and {in_quarantine} quarantine row(s) of erased members",
        {"warehouse_rows": remaining, "quarantine_rows": in_quarantine},
    )


def table_columns_of(conn: duckdb.DuckDBPyConnection, scan: str) -> set[str]:
    return {d[0] for d in conn.sql(f"SELECT * FROM {scan} LIMIT 0").description}  # noqa: S608


@dg.asset_check(asset=member_erasure, blocking=True)
def person_level_files_private(
    warehouse: DuckDBResource, quarantine: Quarantine
) -> dg.AssetCheckResult:
    """warehouse.duckdb and every quarantine file are readable by the pipeline's user only."""
    files = [Path(warehouse.database), *quarantine.files()]
    exposed = [f for f in files if f.exists() and stat.S_IMODE(f.stat().st_mode) & 0o077]
    return _fail_unless(
        not exposed,
        f"{len(exposed)} file(s) readable by others" if exposed else f"{len(files)} files private",
        {"files_checked": len(files), "files_exposed": len(exposed)},
    )


WAREHOUSE_CHECKS = [
    no_raw_identifier_in_warehouse,
    no_erased_member_remains,
    person_level_files_private,
]
