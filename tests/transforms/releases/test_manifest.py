"""The manifest's schema and builder (P6): every field the verifier asks for, the files with
their checksums, and the ledger's copy of them."""

from __future__ import annotations

import datetime as dt

from transforms.releases import manifest as mf
from transforms.releases.budget import Budget
from transforms.releases.catalog import Period
from transforms.releases.plan import ReleasePlan
from transforms.releases.queries import Query

NOW = dt.datetime(2026, 11, 25, 4, 0, 0)


def plan() -> ReleasePlan:
    query = Query(label="segment_counts", question={"count": "members"}, dimensions=(),
                  contributions="SELECT 1", distinct=True, max_rows_per_member=1)  # fmt: skip
    return ReleasePlan("demo", Period(dt.date(2026, 11, 1), dt.date(2026, 11, 22)), {"q1": query},
                       (), {"q1": ["women_20s"]})  # fmt: skip


def built() -> dict[str, object]:
    return mf.build_manifest(
        release=mf.release_id(NOW, "q1"), consumer="demo", kind="partner", k=50, plan=plan(),
        now=NOW, budget=Budget("2026-11", 6.0, 1.0, 2.0), release_epsilon=2.0, share=2.0,
        row_counts={"segment_counts.csv": 3}, counts=[],
    )  # fmt: skip


def test_a_built_manifest_with_its_files_has_every_field() -> None:
    manifest = mf.with_files(built(), {"segment_counts.csv": "ab" * 32, "report.html": "cd" * 32})
    assert mf.missing_fields(manifest) == []
    assert list(manifest["files"]) == ["report.html", "segment_counts.csv"]
    assert manifest["files"]["segment_counts.csv"] == {"sha256": "ab" * 32, "rows": 3}
    assert mf.file_checksums(manifest) == {
        "report.html": "cd" * 32,
        "segment_counts.csv": "ab" * 32,
    }


def test_without_its_files_the_manifest_is_incomplete() -> None:
    assert mf.missing_fields(built()) == ["files"]


def test_the_budget_and_period_are_stated() -> None:
    manifest = built()
    assert manifest["budget"] == {"month": "2026-11", "monthly": 6.0, "spent_before": 1.0,
                                  "requested": 2.0, "left_after": 3.0}  # fmt: skip
    assert manifest["data_period"] == {"first": "2026-11-01", "last": "2026-11-22"}
    assert manifest["question"] == [
        {"key": "q1", "names": ["women_20s"], "question": {"count": "members"}}
    ]


def test_the_release_id_is_a_time_and_the_questions_hash() -> None:
    rid = mf.release_id(NOW, "q1")
    assert rid.startswith("20261125T040000Z-") and len(rid) == 25
    assert rid != mf.release_id(NOW, "q2")
