"""What the privacy ledger stores (P5, P6): its tables, as the operators' DuckDB CLI shows them,
and the records of a release and of the answers it drew."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from transforms.releases.budget import budget_month

SCHEMA = """
CREATE TABLE IF NOT EXISTS releases (
    release_id VARCHAR PRIMARY KEY, consumer VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    status VARCHAR NOT NULL, question_key VARCHAR NOT NULL, question VARCHAR NOT NULL,
    period_first DATE NOT NULL, period_last DATE NOT NULL, budget_month VARCHAR NOT NULL,
    epsilon DOUBLE NOT NULL, delta DOUBLE NOT NULL, k INTEGER NOT NULL, row_count BIGINT NOT NULL,
    files VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, folder VARCHAR NOT NULL,
    draft_folder VARCHAR NOT NULL, erased_members BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    consumer VARCHAR NOT NULL, query_key VARCHAR NOT NULL, release_id VARCHAR NOT NULL,
    label VARCHAR NOT NULL, question VARCHAR NOT NULL, epsilon DOUBLE NOT NULL,
    sensitivity INTEGER NOT NULL, scale DOUBLE NOT NULL, ci95 DOUBLE NOT NULL,
    erased_members BIGINT NOT NULL, PRIMARY KEY (consumer, query_key, erased_members));
CREATE TABLE IF NOT EXISTS answer_cells (
    consumer VARCHAR NOT NULL, query_key VARCHAR NOT NULL, erased_members BIGINT NOT NULL,
    cell VARCHAR NOT NULL, value BIGINT NOT NULL);
CREATE OR REPLACE VIEW ledger AS
    SELECT release_id, consumer, kind, period_first, period_last, budget_month, epsilon, delta,
           k, row_count, created_at, question, files
    FROM releases WHERE status = 'landed' ORDER BY created_at;
"""


COMMENTS = {
    "TABLE releases": "Every release: consumer, question, cost, rows, file checksums. status "
    "landed = delivered; pending = being delivered (settled before the next use)",
    "VIEW ledger": "Delivered releases, oldest first (P6)",
    "TABLE answers": "Every differentially private answer drawn, by consumer and normalized "
    "question: asked again, it is returned, never drawn anew (P5); erased_members: how many "
    "members had been erased when it was drawn (after more erasures it is not reused, P4)",
}


@dataclass(frozen=True)
class Answer:
    """One query's noisy counts (cell -> value) and the noise they carry."""

    epsilon: float
    sensitivity: int
    scale: float
    ci95: float
    cells: dict[str, int]


@dataclass(frozen=True)
class StoredAnswer(Answer):
    release_id: str


@dataclass(frozen=True)
class NewAnswer(Answer):
    query_key: str
    label: str
    question: str  # JSON


@dataclass(frozen=True)
class ReleaseRecord:
    release_id: str
    consumer: str
    kind: str
    question_key: str
    question: str  # JSON
    period: tuple[dt.date, dt.date]
    epsilon: float
    k: int
    row_count: int
    files: dict[str, str]  # name -> sha256
    created_at: dt.datetime
    folder: Path  # relative to the data root: outbox/<consumer>/<release_id>
    draft_folder: Path  # relative to the data root: where the draft waits in staging
    erased_members: int  # members erased when its answers were drawn

    @property
    def budget_month(self) -> str:
        return budget_month(self.created_at)
