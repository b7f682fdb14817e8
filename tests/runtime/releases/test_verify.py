"""The release checks' predicates on hand-made folders: each can fail."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from runtime.releases.verify import k_problems, manifest_problems, pseudonym_problems
from transforms.gate.egress import DIGEST_SHAPED


def folder_with(tmp_path: Path, csv_text: str) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "segment_counts.csv").write_text(csv_text)
    return folder


def test_digest_shapes_are_caught_and_long_names_are_not() -> None:
    for value in (
        "5d41402abc4b2a76b9719d911017c592",
        "q83vEjRWeJASNFZ4kBI0Vg==",
        "A" * 10 + "b1" * 8,
    ):
        assert DIGEST_SHAPED.match(value), value
    for value in (
        "c_winter_travel_promo_2026",
        "seoul_economy_readers",
        "North Gyeongsang",
        "1234",
    ):
        assert not DIGEST_SHAPED.match(value), value


def test_k_problems_find_a_small_count_even_without_a_manifest(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "segment_id,audience_size\nwomen_20s,49\nmen_30s,50\n")
    assert k_problems(folder, {}, 50) == ["segment_counts.csv.audience_size: 1 counts below k=50"]
    assert k_problems(folder, {}, 49) == []


def test_manifest_problems_find_a_changed_file_and_an_unlisted_one(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "segment_id,audience_size\nwomen_20s,60\n")
    (folder / "report.html").write_text("<html></html>")
    assert "no manifest.json" in manifest_problems(folder)
    (folder / "manifest.json").write_text(
        json.dumps({"files": {"segment_counts.csv": {"sha256": "0", "rows": 1}}})
    )
    problems = "; ".join(manifest_problems(folder))
    assert "segment_counts.csv: sha256 differs" in problems and "report.html" in problems
    assert "manifest has no epsilon_spent" in problems


def test_a_warehouse_pseudonym_anywhere_in_a_file_is_found(tmp_path: Path) -> None:
    pseudonym = "ab" * 32
    conn = duckdb.connect()
    conn.execute(f"CREATE TABLE members AS SELECT '{pseudonym}' AS member_pseudonym")
    conn.execute("CREATE TABLE cookie_links AS SELECT 'x' AS cookie_pseudonym")
    folder = folder_with(tmp_path, "segment_id,audience_size\nwomen_20s,60\n")
    (folder / "report.html").write_text("<p>reused from release 20261125T050259Z-78ac7db1</p>")
    assert pseudonym_problems(folder, conn) == []  # release ids are a time and a question hash
    (folder / "report.html").write_text(f"<p>member {pseudonym.upper()}</p>")
    assert pseudonym_problems(folder, conn) == [
        "report.html: 1 values shaped like a digest",
        "1 pseudonyms of the warehouse in the files",
    ]
    (folder / "report.html").write_text("<p>member q83vEjRWeJASNFZ4kBI0Vg==</p>")  # base64
    assert pseudonym_problems(folder, conn) == ["report.html: 1 values shaped like a digest"]


def test_the_budget_verdict_fails_over_the_month(tmp_path: Path) -> None:
    from runtime.releases.draft import Budget
    from runtime.releases.verify import BUDGET, verify_release

    folder = folder_with(tmp_path, "segment_id,audience_size\nwomen_20s,60\n")
    conn = duckdb.connect()
    conn.execute("CREATE TABLE members AS SELECT 'x' AS member_pseudonym")
    verdicts = {
        v.check: v for v in verify_release(folder, 50, Budget("2026-11", 6.0, 5.5, 1.0), conn)
    }
    assert (
        verdicts[BUDGET].passed is False
        and "spent 5.5 + this release 1 > monthly 6" in verdicts[BUDGET].description
    )
    verdicts = {
        v.check: v for v in verify_release(folder, 50, Budget("2026-11", 6.0, 5.0, 1.0), conn)
    }
    assert verdicts[BUDGET].passed is True
