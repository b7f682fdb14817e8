"""Per-step figures of the main job's runs, read back from the Dagster instance's event log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from bench.scale.floor import MARTS
from bench.scale.monitor import Timeline
from runtime import paths

ROW_KEYS = ("rows_read", "dagster/row_count", "rows_written")


@dataclass(frozen=True)
class Step:
    run: str  # job name
    key: str
    start: float
    end: float
    rows: int
    ok: bool

    @property
    def wall_s(self) -> float:
        return self.end - self.start


MART_STEPS = {*MARTS, "targeting_lists", "published_marts"}


def stage_of(step: str) -> str:
    """The stage a step belongs to, for the stage totals (a check step is named after its
    asset and check, e.g. `member_erasure_no_raw_identifier_in_warehouse`)."""
    if step.endswith("_pseudonymized") or step == "member_erasure":
        return "warehouse"
    if step in MART_STEPS:
        return "marts"
    if step.endswith("_release") or step.endswith("_release_draft"):
        return "releases"
    return "checks"


def read_steps(root: Path, since: float) -> list[Step]:
    """Every step of the runs started after `since` (unix s), in order."""
    instance = dg.DagsterInstance.from_config(str(paths.dagster_home(root)))
    steps: list[Step] = []
    for run in reversed(instance.get_runs(limit=10)):
        records = instance.all_logs(run.run_id)
        if not records or records[0].timestamp < since:
            continue
        begun: dict[str, float] = {}
        rows: dict[str, int] = {}
        for r in records:
            key, event = r.step_key, r.dagster_event
            if not key or event is None:
                continue
            if event.event_type == dg.DagsterEventType.STEP_START:
                begun[key] = r.timestamp
            elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
                meta = event.step_materialization_data.materialization.metadata
                found = [int(meta[k].value) for k in ROW_KEYS if k in meta]  # type: ignore[arg-type]
                rows[key] = max(rows.get(key, 0), found[0] if found else 0)  # same per partition
            elif event.event_type in (
                dg.DagsterEventType.STEP_SUCCESS,
                dg.DagsterEventType.STEP_FAILURE,
            ):
                ok = event.event_type == dg.DagsterEventType.STEP_SUCCESS
                start = begun.get(key, r.timestamp)
                steps.append(Step(run.job_name, key, start, r.timestamp, rows.get(key, 0), ok))
    return steps


def step_rows(steps: list[Step], timeline: Timeline) -> list[dict[str, object]]:
    out = []
    for s in steps:
        rss, scratch, spill = timeline.peak(s.start, s.end)
        out.append(
            {
                "run": s.run,
                "step": s.key,
                "stage": stage_of(s.key),
                "ok": s.ok,
                "rows": s.rows,
                "wall_s": round(s.wall_s, 2),
                "rows_per_s": round(s.rows / s.wall_s) if s.wall_s > 0 else 0,
                "peak_rss_bytes": rss,
                "scratch_bytes": scratch,
                "spill_bytes": spill,
            }
        )
    return out
