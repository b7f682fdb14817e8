"""Unknown columns, daily scope, and the raw-identifier gate on the warehouse."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.resources import Policy
from runtime.config.policy import DEFAULT_POLICY_PATH
from tests.pipelines import planted
from tests.pipelines.conftest import (
    build_defs,
    metadata,
    query,
    run_config,
    run_main,
    write_table,
)
from transforms.ingest.sources import UnclassifiedColumnError


def policy_with(tmp_path: Path, unknown_columns: dict) -> Policy:
    data = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
    data["unknown_columns"] = unknown_columns
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data))
    return Policy(path=str(path))


def add_member_column(root: Path, column: str, value: str) -> Path:
    row = {**planted.member_rows()[0], "member_id": "u_extra", column: value}
    return write_table(root, "members", [row], name="extra.csv")


def test_unknown_column_stops_its_table_with_file_and_column(root) -> None:
    planted.plant(root)
    extra = add_member_column(root, "loyalty_tier", "gold")
    result = run_main(root, raise_on_error=False)
    assert not result.success
    failure = next(
        e for e in result.get_step_failure_events() if e.step_key == "members_pseudonymized"
    )
    error = failure.step_failure_data.error
    assert error.cause.cls_name == UnclassifiedColumnError.__name__
    assert str(extra.relative_to(root)) in error.cause.message
    assert (
        "unclassified loyalty_tier: looks like safe (1 non-empty of 1 sampled"
        in error.cause.message
    )
    assert not (root / "quarantine" / "members").exists()  # nothing of the table was written


@pytest.mark.parametrize(
    ("classification", "kept"), [("safe", True), ("identifier", False), ("quasi_identifier", False)]
)
def test_classified_column_passes_only_when_safe(root, tmp_path, classification, kept) -> None:
    planted.plant(root)
    add_member_column(root, "loyalty_tier", "gold")
    policy = policy_with(tmp_path, {"members": {"loyalty_tier": classification}})
    assert run_main(root, resources={"policy": policy}).success
    columns = {
        c
        for (c,) in query(
            root, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'members'"
        )
    }
    assert ("loyalty_tier" in columns) is kept


def test_misclassified_identifier_column_is_caught_and_blocks_the_run(root, tmp_path) -> None:
    """An officer marks a column safe that holds emails: its sampled values stop the table,
    and the report names the column and what it holds, never the value."""
    planted.plant(root)
    email = planted.MEMBERS["u_adult"]["email"]
    add_member_column(root, "contact", email)
    policy = policy_with(tmp_path, {"members": {"contact": "safe"}})
    result = run_main(root, resources={"policy": policy}, raise_on_error=False)
    assert not result.success
    failure = next(
        e for e in result.get_step_failure_events() if e.step_key == "members_pseudonymized"
    )
    message = failure.step_failure_data.error.cause.message
    assert "classified safe, but contact: looks like identifier" in message
    assert "1 hold EMAIL_ADDRESS" in message and email not in message
    assert not query(root, "SELECT * FROM duckdb_tables() WHERE table_name = 'members'")


def test_daily_run_reads_only_its_day_plus_unplaceable_rows(root) -> None:
    planted.plant(root)
    defs = build_defs(root)
    result = dg.materialize(
        [
            a
            for a in defs.assets
            if a.key in {dg.AssetKey("members_pseudonymized"), dg.AssetKey("visits_pseudonymized")}
        ],  # type: ignore[union-attr]
        partition_key="2026-11-21",
        resources=defs.resources,
        run_config={
            "ops": {
                k: v
                for k, v in run_config()["ops"].items()
                if k in ("members_pseudonymized", "visits_pseudonymized")
            }
        },
    )
    meta = metadata(result, "visits_pseudonymized")
    on_day = sum(1 for r in planted.visit_rows() if str(r["ts"]).startswith("2026-11-21"))
    assert meta["rows_read"] == on_day + 1  # + the unparseable row no day can hold
    assert query(root, "SELECT DISTINCT event_date::VARCHAR FROM visits") == [("2026-11-21",)]
    assert sorted(p.name for p in (root / "quarantine" / "visits").iterdir()) == [
        "2026-11-21.parquet",
        "unplaced.parquet",
    ]


def test_columns_report_lists_what_each_unnamed_column_looks_like(root, capsys) -> None:
    from runtime.ingest.column_classes import print_column_reports

    planted.plant(root)
    email = planted.MEMBERS["u_adult"]["email"]
    add_member_column(root, "contact", email)
    assert print_column_reports(root) == 0
    out = capsys.readouterr().out
    assert "members.contact: looks like identifier (" in out and "hold EMAIL_ADDRESS" in out
    assert "UNCLASSIFIED (blocks the table)" in out and email not in out
