"""Draft a release in private staging, then deliver it: rename into the outbox and charge.

Drafting reads the ledger (stored answers, budget), draws OpenDP noise only for questions never
answered, and writes the files, report and manifest into release_staging/. Nothing there leaves
until the blocking checks pass and `deliver` renames the folder into the outbox under the
ledger's lock. Replaying a delivered question writes nothing and charges nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines import paths, release_staging
from pipelines.erasures import erased_members
from pipelines.ledger import BudgetExceededError, Ledger, NewAnswer, ReleaseRecord
from pipelines.release_files import write_csv
from pipelines.release_report import render_report
from transforms.noise import Mechanism, mechanism, noisy_counts
from transforms.release_plan import Answers, ReleasePlan
from transforms.release_queries import bounded_counts_sql

MANIFEST = "manifest.json"
REPORT = "report.html"
STATE = "state.json"  # beside the draft folder: what deliver needs, never delivered
EPSILON_SLACK = 1e-9  # float sums of equal shares


@dataclass(frozen=True)
class Budget:
    month: str
    monthly: float
    spent_before: float
    requested: float

    @property
    def left_after(self) -> float:
        return max(self.monthly - self.spent_before - self.requested, 0.0)

    @property
    def exceeded(self) -> bool:
        return self.spent_before + self.requested > self.monthly + EPSILON_SLACK

    def refuse_if_over(self, consumer: str) -> None:
        if self.exceeded:
            raise BudgetExceededError(
                f"release refused: consumer {consumer}, month {self.month}: spent epsilon "
                f"{self.spent_before:g} of the monthly {self.monthly:g}, this release requests "
                f"{self.requested:g}; nothing was written or charged"
            )


@dataclass(frozen=True)
class Consumer:
    name: str
    kind: str
    k: int
    monthly_epsilon: float
    release_epsilon: float


@dataclass(frozen=True)
class Outcome:
    release_id: str
    folder: Path  # the draft (before delivery) or the outbox folder
    charged: float
    replay: bool
    rows: dict[str, int]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _true_counts(conn: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[int]]:
    rows = conn.execute(sql).fetchall()
    return [r[0] for r in rows], [int(r[1]) for r in rows]


def draft(
    warehouse: duckdb.DuckDBPyConnection,
    ledger: Ledger,
    consumer: Consumer,
    plan: ReleasePlan,
    staging: Path,
    now: dt.datetime,
) -> Outcome:
    """Draft `plan` into `staging`, this run's folder (release_staging.claim made it the only
    one of its consumer; other runs' drafts are never touched here). Raises
    BudgetExceededError, writing nothing, when the new answers would overspend the month."""
    shutil.rmtree(staging / "release", ignore_errors=True)  # an earlier try of this run
    (staging / STATE).unlink(missing_ok=True)
    for folder in (staging.parent.parent, staging.parent, staging):
        paths.private_dir(folder)
    keys = list(plan.queries)
    month = f"{now:%Y-%m}"
    erased = erased_members(warehouse)
    with ledger.open() as conn:
        stored = Ledger.stored(conn, consumer.name, keys, erased)
        replayed = Ledger.release_with_question(conn, consumer.name, plan.question_key())
        spent = Ledger.spent(conn, consumer.name, month)
    if replayed and (ledger.root / replayed[1]).is_dir():
        (staging / STATE).write_text(json.dumps({"replay_of": replayed[0]}))
        return Outcome(replayed[0], ledger.root / replayed[1], 0.0, True, {})

    share = plan.epsilon_per_query(consumer.release_epsilon)
    mechanisms: dict[str, Mechanism] = {
        key: mechanism(plan.queries[key].sensitivity, share) for key in keys if key not in stored
    }
    budget = Budget(
        month, consumer.monthly_epsilon, spent, math.fsum(m.epsilon for m in mechanisms.values())
    )
    budget.refuse_if_over(consumer.name)

    answers: Answers = {key: s.cells for key, s in stored.items()}
    new: list[NewAnswer] = []
    for key, m in mechanisms.items():
        q = plan.queries[key]
        cells, counts = _true_counts(warehouse, bounded_counts_sql(q))
        answers[key] = dict(zip(cells, noisy_counts(counts, m.sensitivity, share), strict=True))
        question = json.dumps(q.question, sort_keys=True)
        new.append(
            NewAnswer(
                m.epsilon,
                m.sensitivity,
                m.scale,
                m.ci95,
                answers[key],
                query_key=key,
                label=q.label,
                question=question,
            )
        )
    accuracy = {key: m.as_dict() for key, m in mechanisms.items()}
    for key, s in stored.items():
        accuracy[key] = {
            **mechanism(s.sensitivity, s.epsilon).as_dict(),
            "reused_from": s.release_id,
        }

    release_id = (
        f"{now:%Y%m%dT%H%M%SZ}-{hashlib.sha256(plan.question_key().encode()).hexdigest()[:8]}"
    )
    folder = paths.private_dir(staging / "release")
    rows: dict[str, int] = {}
    counts: list[dict[str, Any]] = []
    for layout in plan.files:
        file_rows, left_out = layout.rows(answers, consumer.k)
        write_csv(folder / layout.name, layout.columns, file_rows)
        rows[layout.name] = len(file_rows)
        counts.append(_file_accuracy(layout.name, layout, file_rows, left_out, accuracy))
    manifest: dict[str, Any] = {
        "release_id": release_id,
        "consumer": consumer.name,
        "kind": consumer.kind,
        "question": [
            {"key": key, "names": plan.labels[key], "question": plan.queries[key].question}
            for key in keys
        ],
        "data_period": {
            "first": plan.period.first.isoformat(),
            "last": plan.period.last.isoformat(),
        },
        "created_at": now.isoformat(),
        "epsilon_spent": budget.requested,
        "delta_spent": 0.0,
        "epsilon_rule": f"release epsilon {consumer.release_epsilon:g} split equally across "
        f"{len(keys)} queries ({share:.6g} each); stored answers cost nothing",
        "k": consumer.k,
        "budget": {**asdict(budget), "left_after": budget.left_after},
        "row_counts": rows,
        "counts": counts,
    }
    (folder / REPORT).write_text(render_report(manifest, plan, answers), encoding="utf-8")
    manifest["files"] = {
        p.name: {"sha256": sha256(p), "rows": rows.get(p.name)} for p in sorted(folder.iterdir())
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for p in folder.iterdir():
        p.chmod(paths.DELIVERED_FILE)
    record = ReleaseRecord(
        release_id,
        consumer.name,
        consumer.kind,
        plan.question_key(),
        json.dumps(manifest["question"]),
        (plan.period.first, plan.period.last),
        budget.requested,
        consumer.k,
        sum(rows.values()),
        {n: f["sha256"] for n, f in manifest["files"].items()},
        now,
        paths.outbox_dir(Path()) / consumer.name / release_id,
        folder.relative_to(ledger.root),
        erased,
    )
    state = {
        "record": _record_json(record),
        "answers": [asdict(a) for a in new],
        "monthly_epsilon": consumer.monthly_epsilon,
    }
    (staging / STATE).write_text(json.dumps(state), encoding="utf-8")
    return Outcome(release_id, folder, budget.requested, False, rows)


def _file_accuracy(
    name: str,
    layout: Any,
    rows: list[tuple[object, ...]],
    left_out: int,
    accuracy: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Each count column's noise, and every published count with its 95% interval (the
    noisy value plus or minus OpenDP's accuracy at alpha 0.05 for its query)."""
    by_column: dict[str, dict[str, Any]] = {}
    for part in layout.parts:
        for column, key in part.measures:
            by_column.setdefault(column, {})[dict(part.fixed).get("segment_id", "")] = accuracy[key]
    intervals = []
    for row in rows:
        values = dict(zip(layout.columns, row, strict=True))
        keys = {c: values[c] for c in layout.columns if c not in layout.count_columns}
        for column in layout.count_columns:
            v = values[column]
            if isinstance(v, int):
                half = by_column[column][str(values.get("segment_id", ""))]["ci95_half_width"]
                intervals.append(
                    {
                        **keys,
                        "column": column,
                        "value": v,
                        "ci95": [round(v - half, 1), round(v + half, 1)],
                    }
                )
    return {"file": name, "left_out_below_k": left_out, "noise": by_column, "intervals": intervals}


def _record_json(r: ReleaseRecord) -> dict[str, Any]:
    return {
        **asdict(r),
        "period": [d.isoformat() for d in r.period],
        "created_at": r.created_at.isoformat(),
        "folder": str(r.folder),
        "draft_folder": str(r.draft_folder),
    }


def _record_from_json(d: dict[str, Any]) -> ReleaseRecord:
    return ReleaseRecord(
        **{
            **d,
            "period": tuple(dt.date.fromisoformat(x) for x in d["period"]),
            "created_at": dt.datetime.fromisoformat(d["created_at"]),
            "folder": Path(d["folder"]),
            "draft_folder": Path(d["draft_folder"]),
        }
    )


class ReleaseConflictError(RuntimeError):
    pass


def deliver(ledger: Ledger, staging: Path) -> Outcome:
    """Charge and rename the checked draft into the outbox, under the ledger's lock; then the
    run lets go of its draft (release_staging)."""
    try:
        return _deliver(ledger, staging)
    finally:
        release_staging.let_go(staging)


def _deliver(ledger: Ledger, staging: Path) -> Outcome:
    state = json.loads((staging / STATE).read_text(encoding="utf-8"))
    if "replay_of" in state:
        with ledger.open() as conn:
            stored = Ledger.delivered_folder(conn, state["replay_of"])
        if stored is None:
            raise ReleaseConflictError(f"stored release {state['replay_of']} is not in the ledger")
        shutil.rmtree(staging, ignore_errors=True)
        return Outcome(state["replay_of"], ledger.root / stored, 0.0, True, {})
    record = _record_from_json(state["record"])
    answers = [NewAnswer(**a) for a in state["answers"]]
    draft_folder, folder = ledger.root / record.draft_folder, ledger.root / record.folder
    keys = [a.query_key for a in answers]
    with ledger.open() as conn:
        answered = Ledger.stored(conn, record.consumer, keys, record.erased_members)
        if answered:
            shutil.rmtree(staging)
            raise ReleaseConflictError(
                f"{len(answered)} of this draft's questions were answered by another release "
                "meanwhile; its fresh draws are discarded (run again to get the stored answers)"
            )
        spent = Ledger.spent(conn, record.consumer, record.budget_month)
        Budget(record.budget_month, state["monthly_epsilon"], spent, record.epsilon).refuse_if_over(
            record.consumer
        )
        for parent in (folder.parent.parent, folder.parent):  # outbox/<consumer>/
            paths.private_dir(parent)
        Ledger.record_pending(conn, record, answers)
        os.rename(draft_folder, folder)  # the commit point: whole folder or none
        Ledger.mark_landed(conn, record.release_id)
    shutil.rmtree(staging, ignore_errors=True)
    rows = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["row_counts"]
    return Outcome(record.release_id, folder, record.epsilon, False, rows)
