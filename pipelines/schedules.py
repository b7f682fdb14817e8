"""The schedules: the daily run (yesterday's events, members and deletions) and the partners'
monthly delivery (the month that ended)."""

import datetime as dt

import dagster as dg

from pipelines.constants import DAILY_JOB, PARTNER_DELIVERY_JOB

NO_KEY_ROTATION = {"rotate_key": False}
WAREHOUSE_ASSET_NAMES = (
    "members_pseudonymized",
    "visits_pseudonymized",
    "orders_pseudonymized",
    "survey_responses_pseudonymized",
    "ad_events_pseudonymized",
    "member_erasure",
)


def daily_run_config() -> dict[str, object]:
    return {"ops": {name: {"config": NO_KEY_ROTATION} for name in WAREHOUSE_ASSET_NAMES}}


@dg.schedule(
    job_name=DAILY_JOB,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_warehouse_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 02:00 UTC, load the day that just ended."""
    day = (context.scheduled_execution_time - dt.timedelta(days=1)).date().isoformat()
    return dg.RunRequest(run_key=day, partition_key=day, run_config=daily_run_config())


@dg.schedule(
    job_name=PARTNER_DELIVERY_JOB,
    cron_schedule="0 4 1 * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def monthly_partner_delivery(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 04:00 UTC on the 1st (after the daily run), deliver the month that just ended."""
    ended = context.scheduled_execution_time.date().replace(day=1) - dt.timedelta(days=1)
    month = ended.replace(day=1).isoformat()
    return dg.RunRequest(run_key=month, partition_key=month)
