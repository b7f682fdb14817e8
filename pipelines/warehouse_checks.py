"""Blocking checks on the warehouse as a whole, run after erasure (the last write of a run)."""

import stat
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines import duck, paths
from pipelines.deletion import (
    erase_warehouse,
    erased_in_quarantine,
    member_erasure,
    stage_erased_pseudonyms,
)
from pipelines.duck import columns, scalar, tables, temp_table
from pipelines.loading import raw_relation, stage_erasure
from pipelines.resources import PseudonymKey, Quarantine, RawSource
from transforms.checks import identifier_hits_sql, raw_identifiers_sql
from transforms.contract import AD_EVENTS, MEMBERS, VISITS


def _fail_unless(ok: bool, description: str, metadata: dict[str, int]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=ok, severity=dg.AssetCheckSeverity.ERROR, description=description, metadata=metadata
    )


def string_columns(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every text column of the warehouse's own tables."""
    return [
        (t, c) for t in tables(conn) for c, kind in columns(conn, t).items() if kind == "VARCHAR"
    ]


def identifier_hits(conn: duckdb.DuckDBPyConnection, raw: RawSource) -> dict[str, int]:
    """Per warehouse text column, how many distinct values or tokens equal a raw identifier."""
    visits, ads = (raw_relation(conn, spec, raw) for spec in (VISITS, AD_EVENTS))
    sources = [(visits, "cookie_id"), (visits, "ip"), (ads, "cookie_id")]
    members = raw_relation(conn, MEMBERS, raw)
    temp_table(conn, "raw_identifiers", raw_identifiers_sql(members, sources))
    return {
        f"{table}.{column}": int(
            scalar(conn, identifier_hits_sql("raw_identifiers", table, column))
        )
        for table, column in string_columns(conn)
    }


@dg.asset_check(asset=member_erasure, blocking=True)
def no_raw_identifier_in_warehouse(
    warehouse: DuckDBResource, raw_source: RawSource
) -> dg.AssetCheckResult:
    """No value in any text column of the warehouse (nor any token of a URL) equals a raw email,
    phone, name, nickname, member id, cookie id or IP."""
    with duck.connect(warehouse) as conn:
        hits = identifier_hits(conn, raw_source)
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
) -> dg.AssetCheckResult:
    """No warehouse row carries the pseudonym of a member with a deletion request (or of a
    cookie they used), and no quarantine file holds their raw id."""
    with duck.connect(warehouse) as conn:
        stage_erasure(conn, raw_source)
        stage_erased_pseudonyms(conn, pseudonym_key.secret())
        conn.execute("BEGIN")
        remaining = sum(erase_warehouse(conn).values())  # counted, then rolled back
        conn.execute("ROLLBACK")
        in_quarantine = sum(erased_in_quarantine(conn, f)[2] for f in quarantine.files())
    return _fail_unless(
        remaining == 0 and in_quarantine == 0,
        f"{remaining} warehouse row(s) and {in_quarantine} quarantine row(s) of erased members",
        {"warehouse_rows": remaining, "quarantine_rows": in_quarantine},
    )


@dg.asset_check(asset=member_erasure, blocking=True)
def person_level_files_private(
    warehouse: DuckDBResource, quarantine: Quarantine
) -> dg.AssetCheckResult:
    """warehouse.duckdb, every quarantine file, and the raw, quarantine and secrets folders are
    open to the pipeline's user only (the data root lets others open marts.duckdb by name)."""
    root = Path(quarantine.root)
    folders = [paths.raw_dir(root), *paths.raw_dir(root).glob("*/"), paths.quarantine_dir(root)]
    folders.append(paths.dev_key_path(root).parent)
    files = [Path(warehouse.database), *quarantine.files(), *folders]
    exposed = [f for f in files if f.exists() and stat.S_IMODE(f.stat().st_mode) & 0o077]
    return _fail_unless(
        not exposed,
        f"{len(exposed)} file(s) or folder(s) open to others"
        if exposed
        else f"{len(files)} files and folders private",
        {"files_checked": len(files), "files_exposed": len(exposed)},
    )


WAREHOUSE_CHECKS = [
    no_raw_identifier_in_warehouse,
    no_erased_member_remains,
    person_level_files_private,
]
