"""Write every raw table under <data_root>/raw and return the ground truth of what was planted."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from sampledata import events
from sampledata.broken import bad_count, plant
from sampledata.deletions import with_requests
from sampledata.identities import Population, make_population
from sampledata.members import COLUMNS as MEMBER_COLUMNS
from sampledata.members import MEMBER_BAD_KINDS, member_rows, older_versions
from sampledata.writer import TableWriter

EVENT_TABLES = {  # table: (key, bad kinds, columns)
    "visits": ("cookie_id", ["missing_key", "unparseable_timestamp", "unknown_section"],
               ["cookie_id", "member_id", "ts", "section", "url", "referrer", "ip", "user_agent"]),
    "orders": ("order_id", ["missing_key", "unparseable_timestamp", "negative_amount", "unparseable_amount", "duplicate_id"],
               ["order_id", "member_id", "ts", "category", "amount_krw"]),
    "survey_responses": ("response_id", ["missing_key", "unparseable_timestamp", "duplicate_id"],
                         ["response_id", "survey_id", "member_id", "ts", "choice", "comment"]),
    "ad_events": ("event_id", ["missing_key", "unparseable_timestamp", "unknown_kind", "duplicate_id"],
                  ["event_id", "campaign_id", "cookie_id", "member_id", "ts", "kind"]),
}  # fmt: skip


@dataclass(frozen=True)
class GenerationSummary:
    data_root: Path
    end_date: dt.date
    rows: dict[str, int]
    bad: dict[str, dict[str, int]]
    files: dict[str, list[Path]]


class _Table:
    """A table's writer plus its running truth."""

    def __init__(
        self, root: Path, name: str, columns: list[str], key: str, kinds: list[str], share: float
    ):
        self.writer = TableWriter(root, name, columns)
        self.key, self.kinds, self.share = key, kinds, share
        self.bad: Counter[str] = Counter()
        self.planted = 0

    def write(
        self, rng: np.random.Generator, table: pa.Table, time_column: str = "ts", csv: bool = False
    ) -> None:
        n_bad = bad_count(table.num_rows, self.share, len(self.kinds))
        out = plant(rng, table, self.kinds, n_bad, self.key, time_column, offset=self.planted)
        self.planted += n_bad
        self.bad.update(out.counts)
        if csv:
            self.writer.csv(out.typed.to_pylist())
        else:
            self.writer.parquet(out.typed)
        self.writer.csv(out.text_rows, stem="broken")


def generate(
    data_root: Path,
    *,
    members: int = 100_000,
    days: int = 14,
    visits_per_day: int | None = None,
    seed: int = 7,
    end_date: dt.date | None = None,
    bad_share: float = 0.01,
) -> GenerationSummary:
    end = end_date or (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1))
    first = end - dt.timedelta(days=days - 1)
    rng = np.random.default_rng(seed)
    n_bad_members = bad_count(members, bad_share, len(MEMBER_BAD_KINDS))
    pop = make_population(rng, members + n_bad_members)  # the last ones only appear as bad rows
    rows = member_rows(rng, pop, first, end + dt.timedelta(days=1))
    good, reserved = rows.slice(0, members), rows.slice(members)
    tables = {
        "members": _Table(
            data_root, "members", MEMBER_COLUMNS, "member_id", MEMBER_BAD_KINDS, bad_share
        )
    }
    m = tables["members"]
    m.writer.parquet(pa.concat_tables([good, older_versions(rng, good)]))
    broken = plant(rng, reserved, MEMBER_BAD_KINDS, reserved.num_rows, "member_id", "updated_at")
    m.bad.update(broken.counts)
    m.writer.parquet(broken.typed)
    m.writer.csv(broken.text_rows, stem="broken")

    pop, requests = with_requests(rng, pop, members, first, end)
    for name, (key, kinds, columns) in EVENT_TABLES.items():
        tables[name] = _Table(data_root, name, columns, key, kinds, bad_share)
    daily_visits = visits_per_day or members
    per_day = {"visits": daily_visits, "orders": max(1, members // 100),
               "survey_responses": max(1, members // 20), "ad_events": max(1, daily_visits // 2)}  # fmt: skip
    next_id = Counter[str]()
    for d in range(days):
        day = first + dt.timedelta(days=d)
        for name, total in per_day.items():
            for start in range(0, total, events.CHUNK):
                n = min(events.CHUNK, total - start)
                chunk = _event_chunk(rng, pop, members, name, day, n, next_id[name])
                next_id[name] += n
                tables[name].write(rng, chunk, csv=(name == "survey_responses" and d == 0))

    deletions = _Table(data_root, "deletion_requests", ["member_id", "requested_at"], "member_id",
                       ["missing_key", "unparseable_timestamp"], bad_share)  # fmt: skip
    deletions.write(rng, requests, time_column="requested_at", csv=True)
    tables["deletion_requests"] = deletions
    return GenerationSummary(
        data_root=data_root,
        end_date=end,
        rows={k: t.writer.rows for k, t in tables.items()},
        bad={k: dict(sorted(t.bad.items())) for k, t in tables.items()},
        files={k: list(t.writer.files) for k, t in tables.items()},
    )


def _event_chunk(
    rng: np.random.Generator,
    pop: Population,
    members: int,
    name: str,
    day: dt.date,
    n: int,
    first_id: int,
) -> pa.Table:
    if name == "visits":
        return events.visits(rng, pop, members, day, n)
    maker = {
        "orders": events.orders,
        "survey_responses": events.survey_responses,
        "ad_events": events.ad_events,
    }[name]
    return maker(rng, pop, members, day, n, first_id)
