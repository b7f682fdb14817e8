"""Run the main job over every day of raw data present, and say where the outputs are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from pipelines.constants import DELETION_JOB, ERASURE_STEP, MAIN_JOB, PARTITIONS_START, RELEASE_JOB
from pipelines.definitions import make_definitions, resources
from pipelines.resources import DUCKDB_SETTINGS
from runtime import paths
from runtime.engine.duck import READ_ONLY, row_counts
from runtime.ingest.event_days import event_day_range

# The console shows warnings and the summary; the UI keeps the full debug log of the run.
CONSOLE_AT_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def raw_is_empty(root: Path) -> bool:
    raw = paths.raw_dir(root)
    return not raw.is_dir() or not any(p.is_file() for p in raw.rglob("*"))


def generate_sample(root: Path, *, members: int, days: int, seed: int) -> None:
    from sampledata import generate

    print(f"raw/ is empty: generating sample data ({members} members, {days} days) ...")
    generate(root, members=members, days=days, seed=seed)


def run_main_job(root: Path) -> int:
    today = dt.datetime.now(dt.UTC).date()
    first, last = event_day_range(root, dt.date.fromisoformat(PARTITIONS_START), today)
    print(f"running {MAIN_JOB} on {root} for event days {first} .. {last}")
    defs = make_definitions(resources(str(root)))
    result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
        instance=dg.DagsterInstance.get(),
        run_config=CONSOLE_AT_INFO,
        tags={
            "dagster/asset_partition_range_start": first.isoformat(),
            "dagster/asset_partition_range_end": last.isoformat(),
        },
        raise_on_error=False,
    )
    print(summary(root, result))
    if not result.success:
        if ERASURE_STEP not in succeeded_steps(result):
            apply_deletions(root, defs)
        return 1
    month = last.replace(day=1).isoformat()
    print(f"\nrunning {RELEASE_JOB} for {month[:7]} (data up to {last})")
    releases = defs.resolve_job_def(RELEASE_JOB).execute_in_process(
        instance=dg.DagsterInstance.get(),
        run_config=CONSOLE_AT_INFO,
        partition_key=month,
        raise_on_error=False,
    )
    print(release_summary(root, releases))
    return 0 if releases.success else 1


def succeeded_steps(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.step_key for e in result.all_events if e.is_step_success and e.step_key}


def apply_deletions(root: Path, defs: dg.Definitions) -> None:
    """Deletion requests are applied whatever else failed (CONTRACT.md, Bad input; P4)."""
    print(f"\nthe run stopped before its erasure step: running {DELETION_JOB} so deletions apply")
    result = defs.resolve_job_def(DELETION_JOB).execute_in_process(
        instance=dg.DagsterInstance.get(), run_config=CONSOLE_AT_INFO, raise_on_error=False
    )
    erased = ERASURE_STEP in succeeded_steps(result)
    print(f"  {DELETION_JOB} {result.run_id}: deletions {'applied' if erased else 'NOT applied'}")


def release_summary(root: Path, result: dg.ExecuteInProcessResult) -> str:
    lines = [f"\nrun {result.run_id}: {'SUCCESS' if result.success else 'FAILED'}"]
    for event in result.get_asset_materialization_events():
        m = event.materialization
        if not m.asset_key.to_user_string().endswith("_release"):
            continue
        meta = {k: v.value for k, v in m.metadata.items()}
        how = (
            "stored release re-delivered, nothing charged"
            if meta["replay_of_stored_release"]
            else f"epsilon charged {meta['epsilon_charged']:.3g}"
        )
        lines.append(f"  {m.asset_key.to_user_string():<22} {meta['folder']} ({how})")
    lines.append(f"  ledger: {paths.ledger_path(root)} (.venv/bin/python -m pipelines.cli ledger)")
    lines += failure_lines(result)
    return "\n".join(lines)


def failure_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """One line per failed step (its own reason, not Dagster's wrapper) and failed check."""
    lines = []
    for step in result.get_step_failure_events():
        error = step.step_failure_data.error
        while error is not None and error.cause is not None:
            error = error.cause
        if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            continue  # a blocking check that failed: listed below by its name
        reason = error.message.strip().splitlines()[0] if error and error.message else "failed"
        lines.append(f"  FAILED {step.step_key}: {reason}")
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    lines += [f"  FAILED CHECK {c.asset_key.to_user_string()}:{c.check_name}" for c in failed]
    return lines


def summary(root: Path, result: dg.ExecuteInProcessResult) -> str:
    warehouse = paths.warehouse_path(root)
    lines = [
        f"\nrun {result.run_id}: {'SUCCESS' if result.success else 'FAILED'}",
        f"  warehouse:  {warehouse}",
    ]
    if warehouse.exists():
        counts = row_counts(warehouse, DUCKDB_SETTINGS)  # as the run opened it
        lines += [f"    {t:<18} {n:>12,} rows" for t, n in counts if not t.startswith("_")]
    lines += marts_summary(paths.marts_path(root))
    quarantined = sorted(paths.quarantine_dir(root).glob("*/*.parquet"))
    lines += [
        f"  quarantine: {paths.quarantine_dir(root)} ({len(quarantined)} files)",
        f"  dagster:    {paths.dagster_home(root)} (run record; `make ui` to browse)",
    ]
    return "\n".join(lines + failure_lines(result))


def marts_summary(marts: Path) -> list[str]:
    if not marts.exists():
        return [f"  marts:      {marts} (not published)"]
    lines = [f"  marts:      {marts} (read-only: .venv/bin/duckdb -readonly {marts})"]
    counts = row_counts(marts, READ_ONLY)
    return lines + [f"    {t:<26} {n:>4,} rows" for t, n in counts]


def run_release(
    root: Path, consumer: str, month: str | None, only: list[str], last_day: str
) -> int:
    """One consumer's release for one month, as the release job's two assets for it."""
    defs = make_definitions(resources(str(root)))
    partition = f"{month or dt.datetime.now(dt.UTC).strftime('%Y-%m')}-01"
    draft, delivered = f"{consumer}_release_draft", f"{consumer}_release"
    if not defs.resolve_asset_graph().has(dg.AssetKey(draft)):
        print(f"error: no consumer {consumer!r} in config/releases.yaml")
        return 2
    config = {"only": only, "last_day": last_day}
    result = defs.resolve_job_def(RELEASE_JOB).execute_in_process(
        instance=dg.DagsterInstance.get(),
        run_config={**CONSOLE_AT_INFO, "ops": {draft: {"config": config}}},
        partition_key=partition,
        asset_selection=[dg.AssetKey(draft), dg.AssetKey(delivered)],
        raise_on_error=False,
    )
    print(release_summary(root, result))
    return 0 if result.success else 1


def print_ledger(root: Path) -> int:
    from runtime.releases.ledger import ledger_rows

    cols, rows = ledger_rows(root)
    print("  ".join(cols))
    for row in rows:
        print("  ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
    print(
        f"({len(rows)} releases; in the DuckDB CLI: "
        f".venv/bin/duckdb -readonly {paths.ledger_path(root)} -c 'FROM ledger')"
    )
    return 0
