"""Deletion (P4): apply every deletion request to the warehouse and quarantine, bytes included."""

from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines import duck
from pipelines.constants import WAREHOUSE
from pipelines.duck import columns, count, scalar, temp_table
from pipelines.erasures import record_erased_members
from pipelines.ingest import raw_asset_key
from pipelines.key_guard import PERSON_TABLES
from pipelines.links import store_cookie_links
from pipelines.loading import load_table, stage_erasure, stage_pseudonym_map
from pipelines.resources import PiiScanning, Policy, PseudonymKey, Quarantine, RawSource
from pipelines.run_config import WarehouseRunConfig
from pipelines.storage import make_private, rewrite_database, write_parquet
from pipelines.warehouse import EVENT_ASSETS, members_pseudonymized, reconcile_spec, table_result
from transforms import erasure
from transforms.contract import DELETION_REQUESTS
from transforms.sql import literal


def stage_erased_pseudonyms(conn: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Temp table erased_pseudonyms: erased members, their raw-linked cookies, and every cookie
    the warehouse still links to them (their raw rows may be gone)."""
    ids = "SELECT member_id AS v FROM erased_ids UNION SELECT cookie_id FROM erased_cookies"
    stage_pseudonym_map(conn, "erased_map", ids, key)
    temp_table(conn, "erased_pseudonyms", "SELECT pseudonym FROM erased_map")
    for table in PERSON_TABLES:
        cols = set(columns(conn, table))
        if {"member_pseudonym", "cookie_pseudonym"} <= cols:
            conn.execute(
                f"INSERT INTO erased_pseudonyms SELECT DISTINCT cookie_pseudonym FROM {table} "  # noqa: S608
                "WHERE member_pseudonym IN (SELECT pseudonym FROM erased_pseudonyms)"
            )


def erase_warehouse(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    removed = {}
    for table in PERSON_TABLES:
        statement = erasure.erase_from_warehouse_sql(
            table, set(columns(conn, table)), "erased_pseudonyms"
        )
        if statement:
            removed[table] = int(conn.execute(statement).fetchall()[0][0])
    return removed


def erased_in_quarantine(conn: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, str, int]:
    """(scan, condition, count) of the rows of erased members in one quarantine file."""
    scan = f"read_parquet({literal(str(path))})"
    names = {d[0] for d in conn.sql(f"SELECT * FROM {scan} LIMIT 0").description}  # noqa: S608
    cookie = "cookie_id" if "cookie_id" in names else None
    cond = erasure.is_erased_row("erased_ids", "erased_cookies" if cookie else None, cookie)
    return scan, cond, int(scalar(conn, f"SELECT count(*) FROM {scan} WHERE {cond}"))  # noqa: S608


def purge_quarantine(conn: duckdb.DuckDBPyConnection, quarantine: Quarantine) -> int:
    """Rewrite every quarantine file that still holds a row of an erased member."""
    purged = 0
    for f in quarantine.files():
        scan, cond, hits = erased_in_quarantine(conn, f)
        if hits:
            write_parquet(conn, f"SELECT * FROM {scan} WHERE NOT {cond}", f)  # noqa: S608
            purged += hits
    return purged


@dg.asset(
    group_name=WAREHOUSE,
    kinds={"duckdb"},
    deps=[raw_asset_key("deletion_requests"), members_pseudonymized, *EVENT_ASSETS],
    check_specs=[reconcile_spec("member_erasure")],
)
def member_erasure(
    context: dg.AssetExecutionContext,
    config: WarehouseRunConfig,
    warehouse: DuckDBResource,
    raw_source: RawSource,
    quarantine: Quarantine,
    pseudonym_key: PseudonymKey,
    policy: Policy,
    pii: PiiScanning,
) -> dg.MaterializeResult:
    """Every deletion request applied: the member's rows, and rows of cookies they used, removed
    from every warehouse table and quarantine file; then the warehouse is copied into a fresh
    file so no deleted byte survives (CONTRACT.md, note on P4). Runs last in every job, and
    first rebuilds cookie_links (which cookie was seen with which member, from every raw row)
    so a logged-out event counts as its member, or not at all (P3)."""
    key, rules = pseudonym_key.secret(), policy.load()
    with duck.connect(warehouse) as conn:
        load = load_table(
            conn,
            DELETION_REQUESTS,
            raw_source,
            quarantine,
            key,
            rules,
            config.window(),
            None,
            pii.scanner(rules, None),
            store=False,
        )
        stage_erasure(conn, raw_source, cookies=False)
        links = store_cookie_links(conn, raw_source, key)  # stages the cookies they used too
        stage_erased_pseudonyms(conn, key)
        removed = erase_warehouse(conn)
        purged = purge_quarantine(conn, quarantine)
        members = count(conn, "SELECT * FROM erased_ids")
        record_erased_members(conn, members)
    rewrite_database(Path(warehouse.database))
    make_private(Path(warehouse.database))
    result = table_result(context, DELETION_REQUESTS, load)
    extra = {"members_erased": members, "quarantine_rows_purged": purged, "cookie_links": links}
    extra.update({f"rows_removed_{t}": n for t, n in removed.items()})
    return dg.MaterializeResult(
        metadata={**(result.metadata or {}), **extra}, check_results=result.check_results
    )
