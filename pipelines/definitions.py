"""The Definitions object Dagster loads: `dagster dev -m pipelines.definitions`."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.deletion import member_erasure
from pipelines.ingest import RAW_TABLES
from pipelines.jobs import daily_job, deletion_job, main_job, release_jobs
from pipelines.marts import MART_ASSETS, MART_CHECKS
from pipelines.publish import marts_file_as_promised, published_marts
from pipelines.releases import release_definitions
from pipelines.resources import (
    Compute,
    FileRawSource,
    MartsStore,
    Outbox,
    PiiScanning,
    Policy,
    PseudonymKey,
    Quarantine,
    ReleaseSettings,
    WarehouseInputs,
    warehouse_resource,
)
from pipelines.schedules import daily_warehouse_schedule, monthly_partner_delivery
from pipelines.sensors import deletion_request_sensor, deletions_after_failed_run
from pipelines.targeting import targeting_lists
from pipelines.warehouse import EVENT_ASSETS, members_pseudonymized
from pipelines.warehouse_checks import WAREHOUSE_CHECKS
from runtime import paths
from runtime.config.engine import engine_choice
from runtime.config.releases import load_releases

WAREHOUSE_INPUTS = ("raw_source", "quarantine", "pseudonym_key", "policy", "pii")


def resources(root: str | None = None) -> dict[str, object]:
    """Resources on the data root; the key only ever through the environment."""
    base = paths.data_root() if root is None else Path(root).resolve()
    engine = engine_choice()
    return {
        "warehouse": warehouse_resource(base),
        "raw_source": FileRawSource(root=str(base)),
        "quarantine": Quarantine(root=str(base)),
        "pseudonym_key": PseudonymKey(key=dg.EnvVar(paths.KEY_ENV)),
        "policy": Policy(),
        "pii": PiiScanning(),
        "marts": MartsStore(root=str(base)),
        "releases": ReleaseSettings(),
        "outbox": Outbox(root=str(base)),
        "compute": Compute(
            root=str(base),
            engine=engine.kind,
            spark_master=engine.spark_master,
            spark_data=engine.spark_data,
        ),
    }


def make_definitions(resource_defs: dict[str, object]) -> dg.Definitions:
    """The consumers' release assets come from the releases file the resources name."""
    settings = resource_defs["releases"]
    if not isinstance(settings, ReleaseSettings):
        raise TypeError("resources need `releases`: a ReleaseSettings")
    consumers = {n: c.kind.value for n, c in load_releases(Path(settings.path)).consumers.items()}
    release_assets, release_checks = release_definitions(consumers)
    inputs = WarehouseInputs(**{name: resource_defs[name] for name in WAREHOUSE_INPUTS})
    return dg.Definitions(
        assets=[
            *RAW_TABLES,
            members_pseudonymized,
            *EVENT_ASSETS,
            member_erasure,
            targeting_lists,
            *MART_ASSETS,
            published_marts,
            *release_assets,
        ],
        asset_checks=[*WAREHOUSE_CHECKS, *MART_CHECKS, marts_file_as_promised, *release_checks],
        jobs=[main_job, daily_job, deletion_job, *release_jobs(consumers)],
        schedules=[daily_warehouse_schedule, monthly_partner_delivery],
        sensors=[deletion_request_sensor, deletions_after_failed_run],
        resources={**resource_defs, "inputs": inputs},
        executor=dg.in_process_executor,  # one DuckDB writer at a time
    )


defs = make_definitions(resources())
