"""Names shared across the wiring: groups, partitions, jobs."""

from __future__ import annotations

import dagster as dg

INGEST = "ingest"
WAREHOUSE = "warehouse"
MARTS = "marts"
RELEASES = "releases"

# Event tables are daily-partitioned by event time (UTC); today is a partition too, so the main
# job can place every row already present. Earlier rows are quarantined as out of range.
PARTITIONS_START = "2020-01-01"
DAILY = dg.DailyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1, timezone="UTC")

# Releases are monthly: a partner's delivery covers a calendar month (UTC); the current month is a
# partition too, so a release can cover the month so far.
MONTHLY = dg.MonthlyPartitionsDefinition(start_date=PARTITIONS_START, end_offset=1, timezone="UTC")

ERASURE_STEP = "member_erasure"  # the asset that applies deletions (pipelines/deletion.py)
MAIN_JOB = "main_job"
RELEASE_JOB = "release_job"
PARTNER_DELIVERY_JOB = "partner_delivery_job"
DAILY_JOB = "daily_job"
DELETION_JOB = "deletion_job"
