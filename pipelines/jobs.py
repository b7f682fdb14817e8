"""The three jobs: everything (main), one day (daily), and deletion requests alone."""

from __future__ import annotations

import dagster as dg

from pipelines.constants import DAILY_JOB, DELETION_JOB, MAIN_JOB, MARTS, WAREHOUSE
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
