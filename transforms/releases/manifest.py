"""The release manifest (P6): what every delivered release says about itself, as one schema and
one builder. The ledger records the same consumer, question, period, cost, row count and file
checksums; the verifier checks a delivered folder against `FIELDS`.

Pure: the caller hashes the files (`with_files`) and writes the JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from transforms.releases.budget import Budget
from transforms.releases.plan import FileLayout, ReleasePlan

MANIFEST = "manifest.json"
REPORT = "report.html"
FIELDS = (
    "release_id", "consumer", "kind", "question", "data_period", "created_at", "epsilon_spent",
    "delta_spent", "epsilon_rule", "k", "budget", "row_counts", "counts", "files",
)  # fmt: skip
Accuracy = Mapping[str, Mapping[str, Any]]  # query key -> its noise (Mechanism.as_dict)


def release_id(now: dt.datetime, question_key: str) -> str:
    """A time and the question's hash: names the release, says nothing about anyone."""
    return f"{now:%Y%m%dT%H%M%SZ}-{hashlib.sha256(question_key.encode()).hexdigest()[:8]}"


def question_entries(plan: ReleasePlan) -> list[dict[str, Any]]:
    """Every query of the release: its key, every name it answers, and what it asks."""
    return [
        {"key": key, "names": plan.labels[key], "question": plan.queries[key].question}
        for key in plan.queries
    ]


def build_manifest(
    *,
    release: str,
    consumer: str,
    kind: str,
    k: int,
    plan: ReleasePlan,
    now: dt.datetime,
    budget: Budget,
    release_epsilon: float,
    share: float,
    row_counts: dict[str, int],
    counts: list[dict[str, Any]],
) -> dict[str, Any]:
    """The manifest of a drafted release, without its `files` (added once they are written)."""
    return {
        "release_id": release,
        "consumer": consumer,
        "kind": kind,
        "question": question_entries(plan),
        "data_period": {
            "first": plan.period.first.isoformat(),
            "last": plan.period.last.isoformat(),
        },
        "created_at": now.isoformat(),
        "epsilon_spent": budget.requested,
        "delta_spent": 0.0,
        "epsilon_rule": f"release epsilon {release_epsilon:g} split equally across "
        f"{len(plan.queries)} queries ({share:.6g} each); stored answers cost nothing",
        "k": k,
        "budget": budget.as_manifest(),
        "row_counts": row_counts,
        "counts": counts,
    }


def with_files(manifest: dict[str, Any], checksums: Mapping[str, str]) -> dict[str, Any]:
    """The manifest with every file of the folder, its sha256 and (for CSVs) its rows."""
    rows = manifest["row_counts"]
    files = {name: {"sha256": checksums[name], "rows": rows.get(name)} for name in checksums}
    return {**manifest, "files": dict(sorted(files.items()))}


def missing_fields(manifest: Mapping[str, Any]) -> list[str]:
    return [f for f in FIELDS if f not in manifest]


def file_checksums(manifest: Mapping[str, Any]) -> dict[str, str]:
    """name -> sha256, as the ledger records them."""
    return {name: f["sha256"] for name, f in manifest["files"].items()}


def file_accuracy(
    layout: FileLayout, rows: list[tuple[object, ...]], left_out: int, accuracy: Accuracy
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
    return {
        "file": layout.name,
        "left_out_below_k": left_out,
        "noise": by_column,
        "intervals": intervals,
    }
