"""Warehouse assets: each raw table validated, pseudonymized and generalized into the warehouse."""

import datetime as dt
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.constants import DAILY, WAREHOUSE
from pipelines.ingest import raw_asset_key
from pipelines.resources import WarehouseInputs, connect
from pipelines.run_config import WarehouseRunConfig
from runtime.ingest.loading import TableLoad, load_table
from runtime.storage import make_private
from runtime.warehouse.key_guard import ensure_key, ensure_same_key
from runtime.warehouse.known_members import load_known_members
from transforms.contract import EVENT_TABLES, MEMBERS, TableSpec
from transforms.ingest.reconciliation import reconciliation_problems
from transforms.ingest.sources import TimeScope

RECONCILE = "rows_reconcile"


def reconcile_spec(asset: str) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        RECONCILE,
        asset=asset,
        blocking=True,
        description="rows read = accepted + quarantined; written = accepted - erased - "
        "superseded; quarantine files hold every quarantined row not of an erased member.",
    )


def table_result(
    context: dg.AssetExecutionContext, spec: TableSpec, load: TableLoad
) -> dg.MaterializeResult:
    """Counts as metadata (never values) and the reconciliation check's verdict."""
    if load.reasons:
        context.log.warning(
            f"{spec.name}: {sum(load.reasons.values())} row(s) quarantined {load.reasons}; "
            f"first: {'; '.join(load.examples)}"
        )
    problems = reconciliation_problems(load.counts)
    metadata: dict[str, dg.RawMetadataValue] = {**load.counts.as_metadata()}
    metadata.update({f"quarantined_{k}": v for k, v in load.reasons.items()})
    metadata.update({f"scrubbed_{k}": v for k, v in sorted(load.scrubbed.items())})
    check = dg.AssetCheckResult(
        check_name=RECONCILE,
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(problems) or "every row accounted for",
        metadata=load.counts.as_metadata(),
    )
    return dg.MaterializeResult(metadata=metadata, check_results=[check])


@dg.asset(
    group_name=WAREHOUSE,
    kinds={"duckdb"},
    deps=[raw_asset_key("members"), raw_asset_key("deletion_requests")],
    check_specs=[reconcile_spec("members_pseudonymized")],
)
def members_pseudonymized(
    context: dg.AssetExecutionContext,
    config: WarehouseRunConfig,
    warehouse: DuckDBResource,
    inputs: WarehouseInputs,
) -> dg.MaterializeResult:
    """One row per member (newest row wins): pseudonym, age bands on the run date, gender,
    region, consent flags and the eligibility decision per purpose. No direct identifier.
    Also the known-member deny-list: keyed digests of names, nicknames, emails and phones."""
    load_inputs = inputs.open()
    scanner = inputs.pii.scanner(load_inputs.policy, None)  # members hold no free text
    with connect(warehouse) as conn:
        fingerprint = load_inputs.pseudonymizer.fingerprint
        if ensure_key(conn, fingerprint, allow_rebuild=config.rotate_key):
            context.log.warning("pseudonym key changed: warehouse reset, rebuilt under the new key")
        load = load_table(conn, MEMBERS, load_inputs, config.window(), None, scanner)
    make_private(Path(warehouse.database))
    return table_result(context, MEMBERS, load)


def _scope(context: dg.AssetExecutionContext, config: WarehouseRunConfig) -> TimeScope:
    tw = context.partition_time_window
    naive = [t.astimezone(dt.UTC).replace(tzinfo=None) for t in (tw.start, tw.end)]
    return TimeScope(start=naive[0], end=naive[1], window=config.window())


def event_asset(spec: TableSpec) -> dg.AssetsDefinition:
    name = f"{spec.name}_pseudonymized"

    @dg.asset(
        name=name,
        group_name=WAREHOUSE,
        kinds={"duckdb"},
        partitions_def=DAILY,
        backfill_policy=dg.BackfillPolicy.single_run(),
        deps=[raw_asset_key(spec.name), raw_asset_key("deletion_requests"), members_pseudonymized],
        check_specs=[reconcile_spec(name)],
        description=f"`{spec.name}` events by day: event date, member and cookie pseudonyms, "
        "generalized attributes. IPs, user agents and query strings are not kept; free text "
        "(comments, URL paths, referrers) is kept only scrubbed, each identifier found replaced "
        "by its type. "
        "A run reads only its days (plus rows no day can hold, which go to quarantine).",
    )
    def _asset(
        context: dg.AssetExecutionContext,
        config: WarehouseRunConfig,
        warehouse: DuckDBResource,
        inputs: WarehouseInputs,
    ) -> dg.MaterializeResult:
        load_inputs, scope = inputs.open(), _scope(context, config)
        with connect(warehouse) as conn:
            ensure_same_key(conn, load_inputs.pseudonymizer.fingerprint)
            known = load_known_members(conn, load_inputs.pseudonymizer)
            scanner = inputs.pii.scanner(load_inputs.policy, known)
            load = load_table(conn, spec, load_inputs, scope.window, scope, scanner)
        make_private(Path(warehouse.database))
        return table_result(context, spec, load)

    return _asset


EVENT_ASSETS = [event_asset(spec) for spec in EVENT_TABLES]
