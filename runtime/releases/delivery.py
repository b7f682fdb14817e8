"""Deliver a checked draft: charge the ledger and rename the folder into the outbox, under the
ledger's lock, so a release lands whole and charged or not at all (P5, P6)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from runtime import paths
from runtime.releases import staging as release_staging
from runtime.releases.draft import STATE, Outcome, record_from_json
from runtime.releases.ledger import Ledger
from runtime.releases.records import NewAnswer
from transforms.releases.budget import Budget
from transforms.releases.manifest import MANIFEST


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
    record = record_from_json(state["record"])
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
        budget = Budget(record.budget_month, state["monthly_epsilon"], spent, record.epsilon)
        budget.refuse_if_over(record.consumer)
        for parent in (folder.parent.parent, folder.parent):  # outbox/<consumer>/
            paths.private_dir(parent)
        Ledger.record_pending(conn, record, answers)
        os.rename(draft_folder, folder)  # the commit point: whole folder or none
        Ledger.mark_landed(conn, record.release_id)
    shutil.rmtree(staging, ignore_errors=True)
    rows = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["row_counts"]
    return Outcome(record.release_id, folder, record.epsilon, False, rows)
