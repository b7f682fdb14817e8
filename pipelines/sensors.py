"""Start the deletion job as soon as new deletion requests land in raw/deletion_requests."""

import dagster as dg

from pipelines.constants import DELETION_JOB
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
    fingerprint = raw_source.fingerprint("deletion_requests")
    if fingerprint == context.cursor:
        return dg.SkipReason("no new deletion requests")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)
