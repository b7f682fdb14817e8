from __future__ import annotations

import dataclasses

import pytest

from tests.transforms.conftest import one
from transforms.gate.identifiers import identifier_hits_sql, raw_identifiers_sql
from transforms.ingest.reconciliation import RowCounts, reconciliation_problems

GOOD = RowCounts(
    read=100,
    accepted=90,
    quarantined=10,
    erased=5,
    superseded=3,
    written=82,
    quarantine_kept=8,
    quarantined_erased=2,
)


def test_counts_that_add_up_pass() -> None:
    assert reconciliation_problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"read": 101}, "read 101"),  # a row silently dropped
        ({"written": 83}, "written 83"),  # a row written twice
        ({"quarantine_kept": 7}, "quarantine holds 7"),  # a quarantined row lost
    ],
)
def test_counts_that_do_not_add_up_fail(change, fragment) -> None:
    problems = reconciliation_problems(dataclasses.replace(GOOD, **change))
    assert len(problems) == 1 and fragment in problems[0]


def test_metadata_is_counts_only() -> None:
    assert all(isinstance(v, int) for v in GOOD.as_metadata().values())


@pytest.fixture
def identifiers(conn):
    conn.execute(
        "CREATE TABLE members AS SELECT * FROM (VALUES ('u0001', 'Kim@Naver.com', 'kimmy77', '010-1234-5678', '김민준')) "
        "t(member_id, email, nickname, mobile_phone, real_name)"
    )
    conn.execute(
        "CREATE TABLE visits AS SELECT * FROM (VALUES ('abcdef0123', '1.2.3.4')) t(cookie_id, ip)"
    )
    conn.execute(
        f"CREATE TABLE ids AS {raw_identifiers_sql('members', [('visits', 'cookie_id'), ('visits', 'ip')])}"
    )
    return conn


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("https://x.example/news/1", False),
        ("https://x.example/profile/kim@naver.com", True),  # email as a path token, any case
        ("https://x.example/u/u0001/", True),  # raw member id
        ("김민준", True),
        ("https://x.example/call/01012345678", True),  # phone digits without dashes
        ("kimmy77", True),
        ("1.2.3.4", True),
        ("abcdef0123", True),
        ("sports", False),
    ],
)
def test_identifier_scan_finds_raw_values_and_tokens(identifiers, value, found) -> None:
    identifiers.execute("CREATE OR REPLACE TABLE w AS SELECT ? AS col", [value])
    assert (one(identifiers, identifier_hits_sql("ids", "w", "col")) > 0) is found
