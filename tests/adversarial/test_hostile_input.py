"""Issue 12: a hostile raw export. Nothing a raw file says can run, one bad row stops nothing,
and no raw value of a broken row reaches anything outside raw/ and quarantine/. Each attack is
also run with its protection switched off, to show the test can fail."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from runtime.engine.duck import DuckDBEngine
from runtime.ingest import column_classes, raw_csv
from tests.adversarial.conftest import instance_under
from tests.adversarial.sweep import canary_hits
from tests.pipelines import planted
from tests.pipelines.conftest import metadata, query, run_main, write_table
from transforms.contract import MAX_VALUE_CHARS, TABLES
from transforms.ingest.sources import Branch

pytestmark = pytest.mark.adversarial


def payload(target: Path) -> str:
    return f"1 AS VARCHAR); COPY (SELECT 'stolen' AS x) TO '{target}' (FORMAT csv); SELECT CAST(1"


def plant_column_payload(root: Path, target: Path) -> Path:
    row = {**planted.member_rows()[0], "member_id": "u_extra", payload(target): "v"}
    return write_table(root, "members", [row], name="extra.csv")


def members_failure(result: dg.ExecuteInProcessResult) -> str:
    failure = next(
        e for e in result.get_step_failure_events() if e.step_key == "members_pseudonymized"
    )
    return failure.step_failure_data.error.to_string()


def test_a_column_name_that_is_sql_runs_nothing_and_is_named_by_position(root, tmp_path) -> None:
    target = tmp_path / "stolen.csv"
    planted.plant(root)
    extra = plant_column_payload(root, target)
    result = run_main(root, raise_on_error=False)
    assert not result.success and not target.exists()
    message = members_failure(result)
    width = len(TABLES["members"].column_names) + 1
    assert str(extra.relative_to(root)) in message and f"column(s) {width}" in message
    assert "COPY" not in message and "stolen" not in message


def unquote_unnamed_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old sampling query: an unnamed column's name pasted into SQL as it came."""
    quoted = Branch.column_sql
    contract = {c for spec in TABLES.values() for c in spec.column_names}
    monkeypatch.setattr(
        Branch, "column_sql", lambda self, c: quoted(self, c) if c in contract else c
    )
    monkeypatch.setattr(column_classes, "refuse_unplain_names", lambda spec, branch: None)


def test_control_unquoted_names_without_the_backstop_run_the_payload(
    root, tmp_path, monkeypatch
) -> None:
    target = tmp_path / "stolen.csv"
    unquote_unnamed_columns(monkeypatch)
    monkeypatch.setattr(DuckDBEngine, "_one", lambda self, query: None)
    planted.plant(root)
    plant_column_payload(root, target)
    run_main(root, raise_on_error=False)
    assert target.exists()


def test_unquoted_names_alone_still_meet_the_one_statement_backstop(
    root, tmp_path, monkeypatch
) -> None:
    target = tmp_path / "stolen.csv"
    unquote_unnamed_columns(monkeypatch)
    planted.plant(root)
    plant_column_payload(root, target)
    result = run_main(root, raise_on_error=False)
    assert not result.success and not target.exists()
    assert "more than one statement" in members_failure(result)


GOOD = "r_ok{n},s1,u_adult,2026-11-22 13:00:00,a,fine {n}\r\n"


def broken_survey_file(root: Path, canaries: dict[str, str]) -> Path:
    """A CRLF survey export: good rows around an invalid byte, a row with a field too many, a
    comment over the limit, and a quote left open on the last line."""
    header = ",".join(TABLES["survey_responses"].column_names) + "\r\n"
    body = (
        GOOD.format(n=1)
        + f"r_bad1,s1,u_adult,2026-11-22 13:00:00,a,{canaries['bad_byte']} \udcff\r\n"
        + f"r_bad2,s1,u_adult,2026-11-22 13:00:00,a,{canaries['extra_field']},more\r\n"
        + GOOD.format(n=2)
        + f"r_bad3,s1,u_adult,2026-11-22 13:00:00,a,{canaries['long']} {'x' * MAX_VALUE_CHARS}\r\n"
        + GOOD.format(n=3)
        + f'r_bad4,s1,u_adult,2026-11-22 13:00:00,a,"{canaries["open_quote"]}\r\n'
    )
    path = root / "raw" / "survey_responses" / "hostile.csv"
    path.write_bytes((header + body).encode("utf-8", errors="surrogateescape"))
    return path


CANARIES = {
    "bad_byte": "zq9canaryBYTE",
    "extra_field": "zq9canaryFIELD",
    "long": "zq9canaryLONG",
    "open_quote": "zq9canaryQUOTE",
}


def test_broken_rows_are_quarantined_with_row_numbers_and_the_run_goes_on(
    root, tmp_path, capfd
) -> None:
    planted.plant(root)
    hostile = broken_survey_file(root, CANARIES)
    with instance_under(root) as instance:
        result = run_main(root, instance=instance)
    assert result.success
    rows = duckdb.sql(
        f"SELECT _source_row, _reason FROM read_parquet('{root}/quarantine/survey_responses/*.parquet') "
        f"WHERE _source_file = '{hostile}' ORDER BY 1"
    ).fetchall()
    assert rows == [
        (2, "invalid_utf8"),
        (3, "wrong_field_count"),
        (5, "over_long_value"),
        (7, "malformed_csv"),
    ]
    counts = metadata(result, "survey_responses_pseudonymized")
    assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]
    kept = {r for (r,) in query(root, "SELECT comment FROM survey_responses")}
    assert {"fine 1", "fine 2", "fine 3"} <= kept
    assert canary_hits(root, list(CANARIES.values())) == []  # Dagster's run storage included
    out = capfd.readouterr()
    assert not any(c in out.out + out.err for c in CANARIES.values())


def test_control_the_sweep_finds_a_value_that_was_kept(root, tmp_path) -> None:
    """A canary in a good row's comment is stored (it is no identifier): the sweep sees it."""
    planted.plant(root)
    write_table(root, "survey_responses", [{"response_id": "r_c", "survey_id": "s1",
        "member_id": "u_adult", "ts": "2026-11-22 13:00:00", "choice": "a",
        "comment": "zq9canaryKEPT"}], name="kept.csv")  # fmt: skip
    with instance_under(root) as instance:
        assert run_main(root, instance=instance).success
    assert any("warehouse.duckdb" in h for h in canary_hits(root, ["zq9canaryKEPT"]))


def test_control_a_reader_that_stops_on_bad_bytes_fails_the_run(root, monkeypatch) -> None:
    def strict(source: Path, target: Path, label: str) -> raw_csv.CsvShape:
        source.read_bytes().decode("utf-8")  # what a strict reader does with \xff
        raise AssertionError("unreachable")

    monkeypatch.setattr("runtime.ingest.raw_source.csv_to_parquet", strict)
    planted.plant(root)
    broken_survey_file(root, CANARIES)
    assert not run_main(root, raise_on_error=False).success


def test_an_unquoted_comma_in_the_first_member_row_is_that_rows_problem(root) -> None:
    """The engine's sniffer took such a row for the header and quoted it (password hash and
    all) in its error; here it is one quarantined row, and nothing of it is kept anywhere."""
    secret = "$2b$12$zq9canaryHASHhashhash"
    header = ",".join(TABLES["members"].column_names)
    row = (
        "u_comma,kim@naver.com,Kim, Jr,"  # the nickname's comma is not quoted
        f"{secret},010-1111-2222,김민,1990-01-01,F,Seoul,2024-01-01 00:00:00,true,false,false,"
        "2025-01-01 00:00:00"
    )
    planted.plant(root)
    (root / "raw" / "members" / "comma.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    with instance_under(root) as instance:
        result = run_main(root, instance=instance)
    assert result.success
    assert metadata(result, "members_pseudonymized")["quarantined_wrong_field_count"] == 1
    assert canary_hits(root, [secret, "kim@naver.com"], allowed=("raw",)) == []


def test_a_deletion_file_with_mixed_line_endings_still_deletes(root) -> None:
    planted.plant(root)
    assert run_main(root).success
    folder = root / "raw" / "deletion_requests"
    (folder / "part-0.csv").write_bytes(
        b"member_id,requested_at\r\nu_nobody,2026-11-24 08:00:00\r\n"
        b"u_leaver,2026-11-24 08:00:00\n"  # appended by another tool
    )
    result = run_main(root)
    assert metadata(result, "member_erasure")["members_erased"] == 2
    assert query(root, "SELECT count(*) FROM members WHERE gender = 'M'")[0][0] == 0


def test_a_header_naming_the_readers_own_columns_is_refused(root) -> None:
    """The reader's own Parquet never uses the header's names, and a header naming
    `_parse_error` (to plant a reason) is no plain name: its table stops, naming it by place."""
    planted.plant(root)
    header = [*TABLES["deletion_requests"].column_names]
    path = root / "raw" / "deletion_requests" / "x.csv"
    path.write_text(",".join([*header, "_parse_error"]) + "\nu_nobody,2026-11-24 08:00:00,x\n")
    result = run_main(root, raise_on_error=False)
    failure = next(e for e in result.get_step_failure_events() if e.step_key == "member_erasure")
    message = failure.step_failure_data.error.to_string()
    assert "raw/deletion_requests/x.csv: column(s) 3" in message and "_parse_error" not in message
