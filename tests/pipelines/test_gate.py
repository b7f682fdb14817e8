"""The egress gate through real Dagster runs: an identifier planted in what would be published
fails the gate, blocks publication and keeps the last good marts file; the report names the
column and the kind of identifier, never the value."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.resources import PiiScanning
from runtime.gate import GATE, folder_gate, mart_gate
from tests.pipelines import planted, planted_marts
from tests.pipelines.conftest import checks, metadata, query, run_main, write_table
from tests.transforms.pii_samples import rrn
from transforms.person import tables as person_tables
from transforms.pii.scanner import ScanSettings, TextScanner

PLANTED_EMAIL = "kim.minsu@example.com"


def survey_answers(choice: str) -> list[dict[str, str | None]]:
    """Eleven members of one cell (k is 10) all give `choice`."""
    return [
        {"response_id": f"r_{mid}", "survey_id": "s1", "member_id": mid,
         "ts": "2026-11-22 10:00:00", "choice": choice, "comment": None}
        for mid in planted_marts.member_ids("incheon11")
    ]  # fmt: skip


def test_an_identifier_in_a_mart_fails_the_gate_and_keeps_the_last_good_file(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted_marts.plant(root)
    write_table(root, "survey_responses", survey_answers("fine"))
    assert run_main(root).success
    published = root / "marts.duckdb"
    good = published.read_bytes()

    # eleven members 'chose' an email: enough people for k, and still an identifier. The
    # vocabulary would count it as 'Other choices' (D12): if it ever let one through, the
    # gate still stops it
    monkeypatch.setattr(person_tables, "label_sql", lambda column, raw, vocabulary: raw(column))
    write_table(root, "survey_responses", survey_answers(PLANTED_EMAIL))
    result = run_main(root, raise_on_error=False)
    assert not result.success
    gate = next(
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "survey_results" and e.check_name == GATE
    )
    assert not gate.passed
    assert "survey_results.choice: EMAIL_ADDRESS" in gate.description
    assert PLANTED_EMAIL not in gate.description
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "survey_results" in materialized and "published_marts" not in materialized
    assert published.read_bytes() == good  # the last good version stays


def test_an_identifier_named_column_fails_the_gate(tmp_path: Path) -> None:
    conn = duckdb.connect()
    conn.execute("CREATE TABLE m AS SELECT 'Seoul' AS region, 'x' AS member_email, 12 AS n")
    v = mart_gate(conn, "m", TextScanner(ScanSettings()))
    assert not v.passed and "m.member_email: IDENTIFIER_NAMED_COLUMN" in v.description
    conn.execute("CREATE TABLE ok AS SELECT 'Seoul' AS region, '20s' AS age_band, 12 AS n")
    assert mart_gate(conn, "ok", TextScanner(ScanSettings())).passed


def test_gate_passes_the_default_shapes_of_a_release(tmp_path: Path) -> None:
    (tmp_path / "segment_counts.csv").write_text("segment_id,audience_size\nwomen_20s,1234\n")
    (tmp_path / "manifest.json").write_text(
        '{"release_id": "20261125T055311Z-78ac7db1", "created_at": "2026-11-25T05:53:11Z",'
        ' "files": {"segment_counts.csv": {"sha256": "' + "ab" * 32 + '"}}}'
    )
    (tmp_path / "report.html").write_text(
        "<html><style>h1{x:1}</style><h1>Release</h1><p>No one&#x27;s data</p></html>"
    )
    scanner = PiiScanning().scanner(_policy(), None)
    assert folder_gate(tmp_path, scanner).passed
    (tmp_path / "segment_counts.csv").write_text("segment_id,audience_size\n010-1234-5678,1234\n")
    v = folder_gate(tmp_path, scanner)
    assert not v.passed and "segment_counts.csv.segment_id: PHONE_NUMBER" in v.description


def _policy():
    from runtime.config.policy import load_policy

    return load_policy()


def test_every_mart_check_ran_the_gate(root: Path) -> None:
    planted_marts.plant(root)
    result = run_main(root)
    gated = {k for k, passed in checks(result).items() if k.endswith(f":{GATE}") and passed}
    assert len(gated) == 6


def test_a_members_name_in_a_comment_is_scrubbed_and_never_stored_plain(root: Path) -> None:
    """The known-member deny-list finds a Hangul name with a particle glued on; the warehouse
    file holds neither the name nor the comment's other identifier, only their types."""
    planted.plant(root)
    name = planted.MEMBERS["u_adult"]["real_name"]
    phone = planted.MEMBERS["u_adult"]["mobile_phone"]
    write_table(root, "survey_responses", [
        {"response_id": "r1", "survey_id": "s1", "member_id": "u_adult",
         "ts": "2026-11-22 13:00:00", "choice": "a", "comment": f"제 이름은 {name}입니다, {phone}"}
    ])  # fmt: skip
    result = run_main(root)
    assert query(root, "SELECT comment FROM survey_responses") == [
        ("제 이름은 <PERSON>입니다, <PHONE_NUMBER>",)
    ]
    meta = metadata(result, "survey_responses_pseudonymized")
    assert meta["scrubbed_PERSON"] == 1 and meta["scrubbed_PHONE_NUMBER"] == 1
    stored = (root / "warehouse.duckdb").read_bytes()
    assert "제 이름은 <PERSON>".encode() in stored  # the file shows its strings' bytes ...
    assert name.encode() not in stored and phone.encode() not in stored  # ... not these


def test_the_mart_gate_reads_every_column_type_and_names_as_values() -> None:
    conn = duckdb.connect()
    scanner = TextScanner(ScanSettings())
    number = int(rrn("900101", 1).replace("-", ""))  # a true RRN, checksum and all
    conn.execute(
        f"CREATE TABLE m AS SELECT {number} AS n, ['kim@example.com'] AS tags, "
        "DATE '2026-11-01' AS day, 12 AS people, 1012345678 AS won"
    )
    v = mart_gate(conn, "m", scanner)
    assert not v.passed
    assert "m.n: KR_RRN" in v.description and "m.tags: EMAIL_ADDRESS" in v.description
    for passing in ("m.day", "m.people", "m.won"):  # a sum of won with a phone's digits passes
        assert passing not in v.description
    conn.execute('CREATE TABLE p AS SELECT 12 AS "hong@gmail.com"')
    v = mart_gate(conn, "p", scanner)
    assert "p.column1: EMAIL_ADDRESS" in v.description and "hong" not in v.description


def test_the_folder_gate_reads_every_cell_and_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    scanner = TextScanner(ScanSettings())
    (tmp_path / "segment_counts.csv").write_text(
        "segment_id,audience_size\nwomen_20s,1234,kim@example.com\nmen_30s\n"
    )
    (tmp_path / "manifest.json").write_text('{"contact": 1098765432}')
    (tmp_path / "report.html").write_text('<p title="call 010-1234-5678">Release</p>')
    (tmp_path / "notes.txt").write_text("nothing")
    v = folder_gate(tmp_path, scanner)
    assert not v.passed
    for hit in (
        "segment_counts.csv.extra1: EMAIL_ADDRESS",
        "manifest.json: KR_BRN",  # a 10-digit number: the shape of a business number
        "report.html: PHONE_NUMBER",
        "notes.txt: UNREADABLE_ENTRY",
    ):
        assert hit in v.description, (hit, v.description)
    assert "kim@example.com" not in v.description
