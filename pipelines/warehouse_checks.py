"""Blocking checks on the warehouse as a whole, run after erasure (the last write of a run)."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.deletion import member_erasure
from pipelines.resources import WarehouseInputs, connect
from runtime.storage import exposed_files
from runtime.warehouse.checks import erased_rows_left, identifier_hits


def _fail_unless(ok: bool, description: str, metadata: dict[str, int]) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=ok, severity=dg.AssetCheckSeverity.ERROR, description=description, metadata=metadata
    )


@dg.asset_check(asset=member_erasure, blocking=True)
def no_raw_identifier_in_warehouse(
    warehouse: DuckDBResource, inputs: WarehouseInputs
) -> dg.AssetCheckResult:
    """No value in any text column of the warehouse (nor any token of a URL) equals a raw email,
    phone, name, nickname, member id, cookie id or IP."""
    with connect(warehouse) as conn:
        hits = identifier_hits(conn, inputs.raw_source.open())
    bad = {k: v for k, v in hits.items() if v}
    return _fail_unless(
        not bad,
        f"raw identifiers found in {sorted(bad)}" if bad else f"{len(hits)} text columns clean",
        {"columns_scanned": len(hits), **{f"hits_{k}": v for k, v in bad.items()}},
    )


@dg.asset_check(asset=member_erasure, blocking=True)
def no_erased_member_remains(
    warehouse: DuckDBResource, inputs: WarehouseInputs
) -> dg.AssetCheckResult:
    """No warehouse row carries the pseudonym of a member with a deletion request (or of a
    cookie they used), and no quarantine file holds their raw id."""
    with connect(warehouse) as conn:
        opened = inputs.open()
        remaining, in_quarantine = erased_rows_left(
            conn, opened.raw, opened.quarantine, opened.pseudonymizer
        )
    return _fail_unless(
        remaining == 0 and in_quarantine == 0,
        f"{remaining} warehouse row(s) and {in_quarantine} quarantine row(s) of erased members",
        {"warehouse_rows": remaining, "quarantine_rows": in_quarantine},
    )


@dg.asset_check(asset=member_erasure, blocking=True)
def person_level_files_private(inputs: WarehouseInputs) -> dg.AssetCheckResult:
    """Every file and folder under the data root (warehouse and its WAL, quarantine, scratch,
    ledger, staging, outbox, Dagster's run records, raw) is open to the pipeline's user only;
    marts.duckdb alone is for others, and the root lets them open it by name, not list it."""
    checked, exposed = exposed_files(Path(inputs.quarantine.root))
    return _fail_unless(
        not exposed,
        f"{len(exposed)} of {checked} entries under the data root open to others, e.g. "
        f"{', '.join(exposed[:5])}"
        if exposed
        else f"{checked} files and folders private",
        {"files_checked": checked, "files_exposed": len(exposed)},
    )


WAREHOUSE_CHECKS = [
    no_raw_identifier_in_warehouse,
    no_erased_member_remains,
    person_level_files_private,
]
