"""Draft a release in private staging: stored answers reused, OpenDP noise drawn only for
questions never answered, the files, report and manifest written into release_staging/.

Nothing there leaves until the blocking checks pass and `delivery.deliver` renames the folder
into the outbox under the ledger's lock. Replaying a delivered question writes nothing and
charges nothing. The budget rule is transforms/releases/budget.py, the manifest's schema
transforms/releases/manifest.py, the threshold transforms/thresholding.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from runtime import paths
from runtime.config.releases import ConsumerConfig
from runtime.engine.interface import Engine
from runtime.releases.files import write_csv
from runtime.releases.ledger import Ledger
from runtime.releases.records import NewAnswer, ReleaseRecord
from runtime.releases.report import render_report
from runtime.warehouse.erasure import erased_members
from transforms.releases import manifest as mf
from transforms.releases.budget import Budget, budget_month, epsilon_per_query
from transforms.releases.noise import Mechanism, mechanism, noisy_counts
from transforms.releases.plan import Answers, ReleasePlan
from transforms.releases.queries import bounded_counts_sql


class StoredReleaseMissingError(LookupError):
    """A replayed question's stored release is no longer in the ledger."""


STATE = "state.json"  # beside the draft folder: what deliver needs, never delivered


@dataclass(frozen=True)
class Outcome:
    release_id: str
    folder: Path  # the draft (before delivery) or the outbox folder
    charged: float
    replay: bool
    rows: dict[str, int]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _true_counts(conn: Engine, sql: str) -> tuple[list[str], list[int]]:
    rows = conn.execute(sql).fetchall()
    return [r[0] for r in rows], [int(r[1]) for r in rows]


def draft(
    warehouse: Engine,
    ledger: Ledger,
    name: str,
    consumer: ConsumerConfig,
    plan: ReleasePlan,
    staging: Path,
    now: dt.datetime,
    counting: Engine | None = None,
) -> Outcome:
    """Draft `plan` for consumer `name` into `staging`, this run's folder (staging.claim made
    it the only one of its consumer; other runs' drafts are never touched here). Raises
    BudgetExceededError, writing nothing, when the new answers would overspend the month.
    `counting`: the engine the true counts run on (Spark), when not the warehouse's own."""
    shutil.rmtree(staging / "release", ignore_errors=True)  # an earlier try of this run
    (staging / STATE).unlink(missing_ok=True)
    for folder in (staging.parent.parent, staging.parent, staging):
        paths.private_dir(folder)
    keys, month, erased = list(plan.queries), budget_month(now), erased_members(warehouse)
    with ledger.open() as conn:
        stored = Ledger.stored(conn, name, keys, erased)
        replayed = Ledger.release_with_question(conn, name, plan.question_key())
        spent = Ledger.spent(conn, name, month)
    if replayed and (ledger.root / replayed[1]).is_dir():
        (staging / STATE).write_text(json.dumps({"replay_of": replayed[0]}))
        return Outcome(replayed[0], ledger.root / replayed[1], 0.0, True, {})

    share = epsilon_per_query(consumer.release_epsilon, len(keys))
    mechanisms: dict[str, Mechanism] = {
        key: mechanism(plan.queries[key].sensitivity, share) for key in keys if key not in stored
    }
    costs = (m.epsilon for m in mechanisms.values())
    budget = Budget.of_draws(month, consumer.monthly_epsilon, spent, costs)
    budget.refuse_if_over(name)

    answers: Answers = {key: s.cells for key, s in stored.items()}
    counts_on = counting or warehouse
    new = [_draw(counts_on, plan, key, m, share, answers) for key, m in mechanisms.items()]
    accuracy = {key: m.as_dict() for key, m in mechanisms.items()}
    for key, s in stored.items():
        accuracy[key] = {
            **mechanism(s.sensitivity, s.epsilon).as_dict(),
            "reused_from": s.release_id,
        }

    release_id = mf.release_id(now, plan.question_key())
    folder = paths.private_dir(staging / "release")
    rows: dict[str, int] = {}
    counts: list[dict[str, Any]] = []
    for layout in plan.files:
        file_rows, left_out = layout.rows(answers, consumer.k)
        write_csv(folder / layout.name, layout.columns, file_rows)
        rows[layout.name] = len(file_rows)
        counts.append(mf.file_accuracy(layout, file_rows, left_out, accuracy))
    manifest = mf.build_manifest(
        release=release_id, consumer=name, kind=consumer.kind.value, k=consumer.k, plan=plan,
        now=now, budget=budget, release_epsilon=consumer.release_epsilon, share=share,
        row_counts=rows, counts=counts,
    )  # fmt: skip
    (folder / mf.REPORT).write_text(
        render_report(manifest, plan, answers, consumer.k), encoding="utf-8"
    )
    manifest = mf.with_files(manifest, {p.name: sha256(p) for p in folder.iterdir()})
    (folder / mf.MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for p in folder.iterdir():
        p.chmod(paths.DELIVERED_FILE)
    record = ReleaseRecord(
        release_id, name, consumer.kind.value, plan.question_key(),
        json.dumps(manifest["question"]), (plan.period.first, plan.period.last),
        budget.requested, consumer.k, sum(rows.values()), mf.file_checksums(manifest), now,
        paths.outbox_dir(Path()) / name / release_id, folder.relative_to(ledger.root), erased,
    )  # fmt: skip
    state = {
        "record": record_json(record),
        "answers": [asdict(a) for a in new],
        "monthly_epsilon": consumer.monthly_epsilon,
    }
    (staging / STATE).write_text(json.dumps(state), encoding="utf-8")
    return Outcome(release_id, folder, budget.requested, False, rows)


def _draw(
    warehouse: Engine, plan: ReleasePlan, key: str, m: Mechanism, share: float, answers: Answers
) -> NewAnswer:
    """One query's bounded true counts, one draw of noise, kept in `answers` and returned."""
    q = plan.queries[key]
    cells, counts = _true_counts(warehouse, bounded_counts_sql(q))
    answers[key] = dict(zip(cells, noisy_counts(counts, m.sensitivity, share), strict=True))
    question = json.dumps(q.question, sort_keys=True)
    return NewAnswer(
        m.epsilon, m.sensitivity, m.scale, m.ci95, answers[key],
        query_key=key, label=q.label, question=question,
    )  # fmt: skip


def record_json(r: ReleaseRecord) -> dict[str, Any]:
    return {
        **asdict(r),
        "period": [d.isoformat() for d in r.period],
        "created_at": r.created_at.isoformat(),
        "folder": str(r.folder),
        "draft_folder": str(r.draft_folder),
    }


def record_from_json(d: dict[str, Any]) -> ReleaseRecord:
    return ReleaseRecord(
        **{
            **d,
            "period": tuple(dt.date.fromisoformat(x) for x in d["period"]),
            "created_at": dt.datetime.fromisoformat(d["created_at"]),
            "folder": Path(d["folder"]),
            "draft_folder": Path(d["draft_folder"]),
        }
    )


def draft_under_check(ledger: Ledger, staging: Path, monthly: float) -> tuple[Path, Budget, bool]:
    """(folder, budget, replay) of the draft a run's checks read: a replay re-checks the
    stored release it re-delivers (nothing new leaves, nothing is charged)."""
    state = json.loads((staging / STATE).read_text(encoding="utf-8"))
    with ledger.open() as conn:
        if "replay_of" in state:
            stored = Ledger.delivered_folder(conn, state["replay_of"])
            if stored is None:
                raise StoredReleaseMissingError(
                    f"stored release {state['replay_of']} is not in the ledger"
                )
            return ledger.root / stored, Budget("", monthly, 0.0, 0.0), True
        record = record_from_json(state["record"])
        spent = Ledger.spent(conn, record.consumer, record.budget_month)
    budget = Budget(record.budget_month, monthly, spent, record.epsilon)
    return staging / "release", budget, False
