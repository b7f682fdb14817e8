from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import pytest

from sampledata import generate
from sampledata.__main__ import main
from transforms.contract import TABLES

END = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("gen"), members=600, days=3, seed=11, end_date=END)


def digest(files) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path, summary) -> None:
    again = generate(tmp_path, members=600, days=3, seed=11, end_date=END)
    for table, files in summary.files.items():
        assert digest(files) == digest(again.files[table])
    other = generate(tmp_path / "other", members=600, days=3, seed=12, end_date=END)
    assert digest(other.files["members"]) != digest(summary.files["members"])


def test_every_table_has_exactly_the_contract_columns(summary) -> None:
    conn = duckdb.connect()
    for table, files in summary.files.items():
        for f in files:
            reader = "read_parquet" if f.suffix == ".parquet" else "read_csv"
            cols = [d[0] for d in conn.sql(f"SELECT * FROM {reader}('{f}') LIMIT 0").description]
            assert tuple(cols) == TABLES[table].column_names, f


def test_every_bad_kind_is_planted_and_counted(summary) -> None:
    expected = {
        "members": {"missing_key", "unparseable_timestamp", "unparseable_date", "birth_date_out_of_range", "unknown_gender",
                    "unknown_region", "malformed_email", "malformed_phone", "unparseable_bool"},
        "visits": {"missing_key", "unparseable_timestamp", "unknown_section"},
        "orders": {"missing_key", "unparseable_timestamp", "negative_amount", "unparseable_amount", "duplicate_id"},
        "survey_responses": {"missing_key", "unparseable_timestamp", "duplicate_id"},
        "ad_events": {"missing_key", "unparseable_timestamp", "unknown_kind", "duplicate_id"},
        "deletion_requests": {"missing_key", "unparseable_timestamp"},
    }  # fmt: skip
    for table, kinds in expected.items():
        assert set(summary.bad[table]) == kinds, table


def test_row_counts_match_the_files(summary) -> None:
    conn = duckdb.connect()
    for table, files in summary.files.items():
        total = 0
        for f in files:
            reader = "read_parquet" if f.suffix == ".parquet" else "read_csv"
            total += conn.execute(
                f"SELECT count(*) FROM {reader}('{f}', all_varchar=true)"
                if f.suffix == ".csv"
                else f"SELECT count(*) FROM {reader}('{f}')"
            ).fetchall()[0][0]
        assert total == summary.rows[table], table


def test_realistic_content(summary) -> None:
    conn = duckdb.connect()
    root = summary.data_root / "raw"
    members = f"read_parquet('{root}/members/part-*.parquet')"
    assert conn.execute(f"SELECT count(*) > count(DISTINCT member_id) FROM {members}").fetchall()[
        0
    ][0]  # newer rows
    surveys = f"(SELECT comment FROM read_parquet('{root}/survey_responses/*.parquet') UNION ALL SELECT comment FROM read_csv('{root}/survey_responses/*.csv', all_varchar=true))"
    comments = [
        c
        for (c,) in conn.execute(
            f"SELECT comment FROM {surveys} WHERE comment IS NOT NULL"
        ).fetchall()
    ]
    assert any("@" in c for c in comments) and any("010" in c or "+82" in c for c in comments)
    assert any(ord(ch) > 0xAC00 for c in comments for ch in c)  # Korean text
    leaks = conn.execute(
        f"SELECT count(*) FROM read_parquet('{root}/visits/*.parquet') WHERE url LIKE '%email=%'"
    ).fetchall()[0][0]
    assert leaks > 0
    assert {p.suffix for p in root.rglob("*.*")} == {".parquet", ".csv"}


def test_cli_refuses_to_overwrite_raw(tmp_path, capsys) -> None:
    assert (
        main(
            [
                "--data-root",
                str(tmp_path),
                "--members",
                "50",
                "--days",
                "1",
                "--end-date",
                "2026-11-24",
            ]
        )
        == 0
    )
    assert main(["--data-root", str(tmp_path), "--members", "50", "--days", "1"]) == 2
    assert "already holds files" in capsys.readouterr().err
    assert main(["--data-root", str(tmp_path), "--members", "50", "--days", "1", "--force"]) == 0
