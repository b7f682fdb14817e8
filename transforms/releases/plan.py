"""A release before any number is drawn: its queries and how their answers become files.

The epsilon rule (docs/decisions.md, D10): a release's epsilon is split equally across its
distinct queries; a query whose answer is stored (asked before, same question) reuses it and
costs nothing, so a release costs (new queries) x (its epsilon / all its queries).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from transforms.releases.catalog import (
    CAMPAIGN_MEASURES,
    RESEARCH_TABLES,
    CampaignBounds,
    Domains,
    Period,
    audience_query,
    campaign_queries,
    research_query,
)
from transforms.releases.queries import Dimension, Query, cell_key
from transforms.releases.segments import Segment
from transforms.thresholding import release_threshold, shown_count

Answers = dict[str, dict[str, int]]  # query key -> cell -> noisy count


@dataclass(frozen=True)
class Part:
    """Rows of a file from one set of queries: one row per cell of `dimensions` whose `gate`
    count reaches k; any other measure below k is left empty."""

    fixed: tuple[tuple[str, str], ...]  # columns with one value for the whole part
    dimensions: tuple[Dimension, ...]
    gate: str  # query key
    measures: tuple[tuple[str, str], ...]  # (column, query key)


@dataclass(frozen=True)
class FileLayout:
    name: str
    columns: tuple[str, ...]
    count_columns: tuple[str, ...]  # the differentially private counts (all must reach k)
    parts: tuple[Part, ...]

    def rows(self, answers: Answers, k: int) -> tuple[list[tuple[object, ...]], int]:
        """The file's rows and how many cells were left out (gate count below the threshold)."""
        rows, left_out, threshold = [], 0, release_threshold(k)
        for part in self.parts:
            for cell in itertools.product(*(d.values for d in part.dimensions)):
                key = cell_key(cell)
                if shown_count(answers[part.gate][key], threshold) is None:
                    left_out += 1
                    continue
                values: dict[str, object] = dict(part.fixed)
                values.update(zip((d.name for d in part.dimensions), cell, strict=True))
                for column, query_key in part.measures:
                    values[column] = shown_count(answers[query_key][key], threshold)
                rows.append(tuple(values[c] for c in self.columns))
        return rows, left_out


@dataclass(frozen=True)
class ReleasePlan:
    consumer: str
    period: Period
    queries: dict[str, Query]  # by key: a question asked twice (two names) is one query
    files: tuple[FileLayout, ...]
    labels: dict[str, list[str]] = field(default_factory=dict)  # key -> every name it answers

    def question_key(self) -> str:
        """The whole release's question: its set of queries, whatever they are called."""
        return "+".join(sorted(self.queries))


def _add(plan_queries: dict[str, Query], labels: dict[str, list[str]], q: Query, c: str) -> str:
    key = q.key(c)
    plan_queries.setdefault(key, q)
    labels.setdefault(key, []).append(q.label)
    return key


def partner_plan(
    consumer: str,
    segments: tuple[Segment, ...],
    period: Period,
    domains: Domains,
    campaign_bounds: CampaignBounds | None,
) -> ReleasePlan:
    queries: dict[str, Query] = {}
    labels: dict[str, list[str]] = {}
    audience, report = [], []
    for s in segments:
        key = _add(queries, labels, audience_query(s, period.last, domains.band_widths), consumer)
        audience.append(Part((("segment_id", s.segment_id),), (), key, (("audience_size", key),)))
        if campaign_bounds is None:
            continue
        by_measure = campaign_queries(s, period, domains, campaign_bounds)
        keys = {m: _add(queries, labels, q, consumer) for m, q in by_measure.items()}
        campaign = by_measure["reach"].dimensions
        report.append(
            Part((("segment_id", s.segment_id),), campaign, keys["reach"], tuple(keys.items()))
        )
    files = [
        FileLayout(
            "segment_counts.csv",
            ("segment_id", "audience_size"),
            ("audience_size",),
            tuple(audience),
        )
    ]
    if report:
        measures = tuple(CAMPAIGN_MEASURES)
        files.append(
            FileLayout(
                "campaign_report.csv",
                ("campaign_id", "segment_id", *measures),
                measures,
                tuple(report),
            )
        )
    return ReleasePlan(consumer, period, queries, tuple(files), labels)


def research_plan(
    consumer: str, tables: dict[str, int], period: Period, domains: Domains
) -> ReleasePlan:
    """`tables`: research table name -> a member's most rows in it."""
    queries: dict[str, Query] = {}
    labels: dict[str, list[str]] = {}
    files = []
    for name, bound in tables.items():
        q = research_query(name, period, domains, bound)
        key = _add(queries, labels, q, consumer)
        measure = RESEARCH_TABLES[name].measure
        dims = tuple(d.name for d in q.dimensions)
        part = Part((), q.dimensions, key, ((measure, key),))
        files.append(FileLayout(f"{name}.csv", (*dims, measure), (measure,), (part,)))
    return ReleasePlan(consumer, period, queries, tuple(files), labels)
