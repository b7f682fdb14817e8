"""Deletion (P4): apply every deletion request to the warehouse and quarantine, bytes included."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.constants import WAREHOUSE
from pipelines.ingest import raw_asset_key
from pipelines.resources import Compute, MartsStore, WarehouseInputs, connect
from pipelines.run_config import WarehouseRunConfig
from pipelines.warehouse import (
    EVENT_ASSETS,
    members_pseudonymized,
    reconcile_spec,
    table_result,
)
from runtime.ingest.loading import load_table
from runtime.marts.contributions import forget_all
from runtime.warehouse.erasure import erase_bytes, erase_members, record_erasure
from transforms.contract import DELETION_REQUESTS


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
    inputs: WarehouseInputs,
    compute: Compute,
    marts: MartsStore,
) -> dg.MaterializeResult:
    """Every deletion request applied: the member's rows, and rows of cookies they used, removed
    from every warehouse table and quarantine file; then the warehouse is copied into a fresh
    file so no deleted byte survives (CONTRACT.md, note on P4). Runs last in every job, and
    first rebuilds cookie_links (which cookie was seen with which member, from every raw row)
    so a logged-out event counts as its member, or not at all (P3). When the last completed
    erasure removed this very set of members and cookies (every load since kept them out), there
    is nothing to remove: only the links of raw files not read yet are added. On Spark, it then
    rewrites the warehouse's Parquet copy that Spark reads."""
    load_inputs = inputs.open()
    scanner = inputs.pii.scanner(load_inputs.policy, None)
    with connect(warehouse) as conn:
        load = load_table(
            conn, DELETION_REQUESTS, load_inputs, config.window(), None, scanner, store=False
        )
        links, erased = erase_members(
            conn, load_inputs.raw, load_inputs.quarantine, load_inputs.pseudonymizer
        )
    if erased.applied:
        erase_bytes(Path(warehouse.database))
        forget_all(Path(marts.root))  # person-level, counted before this erasure
        with connect(warehouse) as conn:
            record_erasure(conn, erased)  # only now: the erased rows' bytes are gone
    copied = compute.refresh_copy(warehouse)  # after erasure: Spark never reads erased rows
    result = table_result(context, DELETION_REQUESTS, load)
    extra = {"members_erased": erased.members, "cookie_links": links, **copied}
    extra |= {"erasure_applied": erased.applied}  # False: this set was erased already
    extra |= {"quarantine_rows_purged": erased.quarantine_rows_purged}
    extra.update({f"rows_removed_{t}": n for t, n in erased.removed.items()})
    return dg.MaterializeResult(
        metadata={**(result.metadata or {}), **extra}, check_results=result.check_results
    )
