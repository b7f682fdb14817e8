"""`python -m bench.scale.jobs ROOT main FIRST LAST` or `ROOT daily DAY`: run the main job over a
partition range, or the daily job on one day, as the schedule would (no key rotation)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg

from pipelines.cli import prepare
from pipelines.constants import DAILY_JOB, MAIN_JOB
from pipelines.schedules import daily_run_config


def run(root: str, job: str, first: str, last: str) -> int:
    prepare(Path(root))  # Dagster home and key, as the CLI has them
    from pipelines.definitions import make_definitions, resources  # after: reads DAGSTER_HOME
    from pipelines.launch import CONSOLE_AT_INFO

    defs = make_definitions(resources(root))
    if job == "main":
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=dg.DagsterInstance.get(),
            run_config=CONSOLE_AT_INFO,
            tags={
                "dagster/asset_partition_range_start": first,
                "dagster/asset_partition_range_end": last,
            },
            raise_on_error=False,
        )
    else:
        result = defs.resolve_job_def(DAILY_JOB).execute_in_process(
            instance=dg.DagsterInstance.get(),
            run_config={**CONSOLE_AT_INFO, **daily_run_config()},
            partition_key=first,
            raise_on_error=False,
        )
    return 0 if result.success else 1


if __name__ == "__main__":
    root, job, first = sys.argv[1:4]
    sys.exit(run(root, job, first, sys.argv[4] if len(sys.argv) > 4 else first))
