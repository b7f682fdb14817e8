"""Start the deletion job as soon as new deletion requests land in raw/deletion_requests."""

import dagster as dg

from pipelines.constants import DELETION_JOB, ERASURE_STEP
from pipelines.jobs import daily_job, deletion_job, main_job
from pipelines.resources import RawSource


@dg.sensor(
    job_name=DELETION_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def deletion_request_sensor(
    context: dg.SensorEvaluationContext, raw_source: RawSource
) -> dg.SensorResult | dg.SkipReason:
    """Fires once per change of the deletion-request files (added, replaced or grown)."""
    fingerprint = raw_source.open().fingerprint("deletion_requests")
    if fingerprint == context.cursor:
        return dg.SkipReason("no new deletion requests")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)


@dg.run_failure_sensor(
    monitored_jobs=[main_job, daily_job],
    request_job=deletion_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def deletions_after_failed_run(
    context: dg.RunFailureSensorContext,
) -> dg.RunRequest | dg.SkipReason:
    """A main or daily run that stopped before its erasure step (an unreadable file, say) is
    followed by the deletion job: deletion requests apply whatever else fails (P4)."""
    run_id = context.dagster_run.run_id
    succeeded = context.instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)
    if any(e.step_key == ERASURE_STEP for e in succeeded):
        return dg.SkipReason("the failed run applied its deletions")
    return dg.RunRequest(run_key=f"after-{run_id}")
