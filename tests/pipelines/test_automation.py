"""The daily schedule, the deletion sensor, and the shape of the definitions."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from pipelines.constants import DAILY_JOB, DELETION_JOB, MARTS, RELEASES, WAREHOUSE
from pipelines.definitions import defs
from pipelines.marts_docs import DOC_PATH, render
from pipelines.resources import FileRawSource
from pipelines.schedules import daily_warehouse_schedule, monthly_partner_delivery
from pipelines.sensors import deletion_request_sensor
from tests.pipelines import planted
from tests.pipelines.conftest import write_table


def test_daily_schedule_loads_yesterday_without_key_rotation() -> None:
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC)
    )
    request = daily_warehouse_schedule(context)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2026-11-24"
    ops = request.run_config["ops"]
    assert ops and all(op["config"] == {"rotate_key": False} for op in ops.values())
    assert daily_warehouse_schedule.job_name == DAILY_JOB


def test_monthly_partner_delivery_delivers_the_month_that_ended() -> None:
    context = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2026, 12, 1, 4, tzinfo=dt.UTC)
    )
    request = monthly_partner_delivery(context)
    assert isinstance(request, dg.RunRequest) and request.partition_key == "2026-11-01"
    job = defs.resolve_job_def(monthly_partner_delivery.job_name)
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        "demo_partner_release_draft",
        "demo_partner_release",
    }


def test_deletion_sensor_fires_once_per_change(root) -> None:
    planted.plant(root)
    source = FileRawSource(root=str(root))
    first = deletion_request_sensor(
        dg.build_sensor_context(cursor=None, resources={"raw_source": source})
    )
    assert isinstance(first, dg.SensorResult) and len(first.run_requests or []) == 1
    again = deletion_request_sensor(
        dg.build_sensor_context(cursor=first.cursor, resources={"raw_source": source})
    )
    assert isinstance(again, dg.SkipReason)
    planted.request_deletion(root, "u_leaver")
    write_table(
        root,
        "deletion_requests",
        [{"member_id": "u_adult", "requested_at": "2026-11-24 09:00:00"}],
        name="part-1.csv",
    )
    after = deletion_request_sensor(
        dg.build_sensor_context(cursor=first.cursor, resources={"raw_source": source})
    )
    assert isinstance(after, dg.SensorResult) and after.cursor != first.cursor
    assert deletion_request_sensor.job_name == DELETION_JOB


@pytest.mark.parametrize(("group", "size"), [(WAREHOUSE, 7), (MARTS, 7), (RELEASES, 4)])
def test_every_warehouse_mart_and_release_asset_has_a_blocking_check(group, size) -> None:
    graph = defs.resolve_asset_graph()
    keys = [k for k in graph.get_all_asset_keys() if graph.get(k).group_name == group]
    specs = [
        s for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition) for s in a.check_specs
    ]
    specs += [s for c in defs.asset_checks or [] for s in c.check_specs]  # type: ignore[union-attr]
    assert len(keys) == size
    for key in keys:
        assert any(s.blocking and s.asset_key == key for s in specs), (
            f"{key.to_user_string()} has no blocking check"
        )


def test_jobs_schedules_and_sensors_resolve() -> None:
    for name in ("main_job", DAILY_JOB, DELETION_JOB):
        assert defs.resolve_job_def(name)
    assert defs.resolve_schedule_def("daily_warehouse_schedule")
    assert defs.resolve_sensor_def("deletion_request_sensor")


def test_the_marts_data_dictionary_is_generated_from_the_definitions() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(defs), (
        "docs/marts.md is out of date: run `.venv/bin/python -m pipelines.marts_docs`"
    )


def _failed_run_sensor_result(root, instance, corrupt_visits: bool):
    from pipelines.sensors import deletions_after_failed_run
    from tests.pipelines.conftest import run_main

    planted.plant(root)
    if corrupt_visits:  # a corrupt visits export stops its table, and erasure with it
        (root / "raw" / "visits" / "part-9.parquet").write_bytes(b"PAR1")
    result = run_main(root, instance=instance, raise_on_error=False)
    assert not result.success
    failure = next(
        e
        for e in instance.all_logs(result.run_id)
        if e.dagster_event_type == dg.DagsterEventType.RUN_FAILURE
    )
    context = dg.build_run_status_sensor_context(
        sensor_name=deletions_after_failed_run.name,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id),
        dagster_event=failure.get_dagster_event(),
    ).for_run_failure()
    return deletions_after_failed_run(context)


def test_a_run_that_failed_before_erasure_is_followed_by_the_deletion_job(root) -> None:
    with dg.instance_for_test() as instance:
        request = _failed_run_sensor_result(root, instance, corrupt_visits=True)
    assert isinstance(request, dg.RunRequest)


def test_control_a_run_that_failed_after_erasure_starts_nothing(root, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("a mart failed after erasure")

    monkeypatch.setattr("pipelines.marts.build_mart", broken)
    with dg.instance_for_test() as instance:
        outcome = _failed_run_sensor_result(root, instance, corrupt_visits=False)
    assert isinstance(outcome, dg.SkipReason)


def test_the_erasure_step_the_fallbacks_look_for_is_the_erasure_asset() -> None:
    from pipelines.constants import ERASURE_STEP
    from pipelines.deletion import member_erasure

    assert member_erasure.key.to_user_string() == ERASURE_STEP
