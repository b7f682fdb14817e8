"""P7: the key comes from the environment, never leaks, and a production run refuses without it."""

from __future__ import annotations

import stat

import dagster as dg
import pytest

from pipelines import cli
from pipelines.constants import MAIN_JOB
from pipelines.definitions import make_definitions, resources
from tests.pipelines import planted
from tests.pipelines.conftest import KEY, OTHER_KEY, query, run_config, run_main

PSEUDONYM_COLUMNS = {
    "members": ["member_pseudonym"],
    "visits": ["member_pseudonym", "cookie_pseudonym"],
    "ad_events": ["member_pseudonym", "cookie_pseudonym"],
    "orders": ["member_pseudonym"],
}


def pseudonyms(root) -> set[str]:
    out: set[str] = set()
    for table, cols in PSEUDONYM_COLUMNS.items():
        for c in cols:
            out |= {
                p for (p,) in query(root, f"SELECT DISTINCT {c} FROM {table} WHERE {c} IS NOT NULL")
            }
    return out


def test_pseudonyms_are_stable_under_one_key(root) -> None:
    planted.plant(root)
    run_main(root)
    first = pseudonyms(root)
    run_main(root)
    assert pseudonyms(root) == first and len(first) > 10


def test_key_rotation_rebuilds_everything_under_the_new_key(root) -> None:
    planted.plant(root)
    run_main(root)
    old = pseudonyms(root)
    result = run_main(root, key=OTHER_KEY)
    assert result.success
    new = pseudonyms(root)
    assert new and old.isdisjoint(new)
    assert len(new) == len(old)


def test_daily_run_refuses_a_changed_key(root) -> None:
    planted.plant(root)
    run_main(root)
    result = run_main(root, key=OTHER_KEY, config={"rotate_key": False}, raise_on_error=False)
    assert not result.success
    failure = result.get_step_failure_events()[0]
    assert "pseudonym key differs" in failure.step_failure_data.error.cause.message
    assert all(len(p) == 64 for p in pseudonyms(root))  # the old warehouse is untouched


def test_production_run_without_key_stops_before_reading(root, monkeypatch, capsys) -> None:
    planted.plant(root)
    monkeypatch.setenv("PIPELINE_DATA", str(root))
    monkeypatch.setenv("PIPELINE_ENV", "production")
    monkeypatch.delenv("PIPELINE_PSEUDONYM_KEY", raising=False)
    assert cli.main(["run"]) == 2
    assert "PIPELINE_PSEUDONYM_KEY is not set" in capsys.readouterr().err
    assert not (root / "warehouse.duckdb").exists() and not (root / "quarantine").exists()
    assert not (root / "secrets").exists()


def test_dagster_itself_refuses_a_run_whose_key_variable_is_unset(root, monkeypatch) -> None:
    planted.plant(root)
    monkeypatch.delenv("PIPELINE_PSEUDONYM_KEY", raising=False)
    job = make_definitions(resources(str(root))).resolve_job_def(MAIN_JOB)
    with pytest.raises(dg.DagsterInvalidConfigError, match="PIPELINE_PSEUDONYM_KEY"):
        job.execute_in_process(run_config=run_config(), partition_key="2026-11-21")
    assert not (root / "warehouse.duckdb").exists() and not (root / "quarantine").exists()


def test_development_key_is_generated_once_private_and_announced(root, monkeypatch, capsys) -> None:
    monkeypatch.delenv("PIPELINE_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("PIPELINE_ENV", raising=False)
    cli.ensure_key(root)
    key_file = root / "secrets" / "pseudonym.key"
    first = key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(first) == 64
    assert "WARNING" in capsys.readouterr().err
    monkeypatch.delenv("PIPELINE_PSEUDONYM_KEY")
    cli.ensure_key(root)
    assert key_file.read_text() == first and capsys.readouterr().err == ""
    import os

    assert os.environ["PIPELINE_PSEUDONYM_KEY"] == first


def test_key_never_reaches_outputs_or_run_records(root) -> None:
    planted.plant(root)
    with dg.DagsterInstance.ephemeral() as instance:
        run_main(root, instance=instance)
        logs = instance.all_logs(instance.get_runs()[0].run_id)
    assert logs and not any(
        KEY in (e.user_message or "") or KEY in str(e.dagster_event) for e in logs
    )
    for f in [root / "warehouse.duckdb", *(root / "quarantine").rglob("*.parquet")]:
        assert KEY.encode() not in f.read_bytes()


def test_the_key_text_is_not_in_any_resource_repr(tmp_path) -> None:
    """The resource holding the key, and the one nesting it, print without it (P7)."""
    from pipelines.definitions import WAREHOUSE_INPUTS
    from pipelines.resources import PseudonymKey, WarehouseInputs

    canary = "CANARY-" + "k" * 40
    held = {**resources(str(tmp_path)), "pseudonym_key": PseudonymKey(key=canary)}
    inputs = WarehouseInputs(**{name: held[name] for name in WAREHOUSE_INPUTS})
    assert inputs.pseudonym_key.pseudonymizer().fingerprint  # the key is there, and works
    for printed in (repr(held["pseudonym_key"]), str(held["pseudonym_key"]), repr(inputs)):
        assert canary not in printed and "CANARY" not in printed
    assert "CANARY" not in repr(inputs.open().pseudonymizer)
