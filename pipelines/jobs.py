"""The jobs: everything (main), one day (daily), deletion requests alone, and releases (every
consumer, or the partners' monthly delivery)."""

from __future__ import annotations

import dagster as dg

from pipelines.constants import (
    DAILY_JOB,
    DELETION_JOB,
    MAIN_JOB,
    MARTS,
    PARTNER_DELIVERY_JOB,
    RELEASE_JOB,
    RELEASES,
    WAREHOUSE,
)
from pipelines.deletion import member_erasure
from pipelines.targeting import targeting_lists

WAREHOUSE_ASSETS = dg.AssetSelection.groups(WAREHOUSE)
MART_ASSETS = dg.AssetSelection.groups(MARTS)

main_job = dg.define_asset_job(
    MAIN_JOB,
    selection=WAREHOUSE_ASSETS | MART_ASSETS,
    description="Every raw table, every day present: launch with a partition range covering the "
    "raw data (`make run` does this), then the analyst marts. A changed pseudonym key rebuilds the "
    "warehouse.",
)

daily_job = dg.define_asset_job(
    DAILY_JOB,
    selection=WAREHOUSE_ASSETS | MART_ASSETS,
    description="One day of events plus members and deletions, then the analyst marts; refuses to "
    "run on a changed key.",
)

deletion_job = dg.define_asset_job(
    DELETION_JOB,
    selection=dg.AssetSelection.assets(member_erasure, targeting_lists) | MART_ASSETS,
    description="Apply new deletion requests to the warehouse and quarantine now, then rebuild "
    "the targeting lists and the analyst marts without those members.",
)


def release_jobs(consumers: dict[str, str]) -> list[dg.UnresolvedAssetJobDefinition]:
    """`consumers`: name -> kind, from config/releases.yaml."""
    partners = [
        f"{n}_release{s}" for n, k in consumers.items() if k == "partner" for s in ("_draft", "")
    ]
    return [
        dg.define_asset_job(
            RELEASE_JOB,
            selection=dg.AssetSelection.groups(RELEASES),
            description="Every consumer's release for one month of data (the month so far for "
            "the current month). A question already answered is re-delivered, not drawn again.",
        ),
        dg.define_asset_job(
            PARTNER_DELIVERY_JOB,
            selection=dg.AssetSelection.assets(*partners),
            description="The partners' monthly delivery (on the 1st, for the month before).",
        ),
    ]
