from __future__ import annotations

import datetime as dt

import pytest

from transforms.contract import AD_EVENTS, MAX_VALUE_CHARS, MEMBERS, ORDERS, VISITS, TableSpec
from transforms.ingest.validation import ValidationWindow, quarantine_columns, validate_rows_sql

WINDOW = ValidationWindow(
    earliest=dt.datetime(2020, 1, 1),
    now=dt.datetime(2026, 11, 25, 12),
    run_date=dt.date(2026, 11, 25),
)
GOOD_MEMBER = {
    "member_id": "u1",
    "email": "kim@naver.com",
    "nickname": "kimmy",
    "mobile_phone": "010-1234-5678",
    "real_name": "김민준",
    "birth_date": "1995-03-01",
    "gender": "F",
    "region": "Seoul",
    "signup_at": "2024-01-01 00:00:00",
    "consent_ads": "true",
    "opt_out_research": "false",
    "guardian_consent": "false",
    "updated_at": "2025-01-01 00:00:00",
}


def reasons(conn, spec: TableSpec, rows: list[dict[str, str | None]]) -> list[str | None]:
    cols = [c.name for c in spec.columns if c.name != "password_hash"]
    values = ", ".join(
        "("
        + ", ".join("NULL" if r.get(c) is None else f"'{r[c]}'" for c in cols)
        + f", 'f', {i}, NULL)"
        for i, r in enumerate(rows)
    )
    conn.execute(
        f"CREATE OR REPLACE TABLE src AS SELECT * FROM (VALUES {values}) t({', '.join(cols)}, _source_file, _source_row, _parse_error)"
    )
    return [
        r[0]
        for r in conn.execute(
            f"SELECT _reason FROM ({validate_rows_sql(spec, 'src', WINDOW)}) ORDER BY _source_row"
        ).fetchall()
    ]


def test_good_member_has_no_reason(conn) -> None:
    assert reasons(conn, MEMBERS, [GOOD_MEMBER]) == [None]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"member_id": None}, "missing_key"),
        ({"nickname": "x" * (MAX_VALUE_CHARS + 1)}, "over_long_value"),  # a Parquet source
        ({"nickname": "x" * MAX_VALUE_CHARS}, None),
        ({"member_id": "  "}, "missing_key"),
        ({"updated_at": None}, "missing_value"),
        ({"updated_at": "yesterday"}, "unparseable_timestamp"),
        ({"signup_at": "2026-13-45 99:00:00"}, "unparseable_timestamp"),
        ({"birth_date": "25/11/1990"}, "unparseable_date"),
        ({"birth_date": "2027-01-01"}, "birth_date_out_of_range"),
        ({"birth_date": "1899-12-31"}, "birth_date_out_of_range"),
        ({"consent_ads": "maybe"}, "unparseable_bool"),
        ({"gender": "X"}, "unknown_gender"),
        ({"gender": "female"}, "unknown_gender"),
        ({"region": "Tokyo"}, "unknown_region"),
        ({"email": "010-1234-5678"}, "malformed_email"),
        ({"mobile_phone": "kim@naver.com"}, "malformed_phone"),
        ({"mobile_phone": "call me"}, "malformed_phone"),
    ],
)
def test_each_bad_member_kind_gets_its_reason(conn, change, reason) -> None:
    assert reasons(conn, MEMBERS, [{**GOOD_MEMBER, **change}]) == [reason]


@pytest.mark.parametrize(
    "phone", ["010-1234-5678", "01012345678", "+82 10-1234-5678", "010 1234 5678", "011-123-4567"]
)
def test_korean_mobile_formats_are_valid(conn, phone) -> None:
    assert reasons(conn, MEMBERS, [{**GOOD_MEMBER, "mobile_phone": phone}]) == [None]


@pytest.mark.parametrize(("gender", "region"), [(None, None), ("", ""), ("M", "Jeju")])
def test_empty_gender_and_region_mean_unknown_not_bad(conn, gender, region) -> None:
    assert reasons(conn, MEMBERS, [{**GOOD_MEMBER, "gender": gender, "region": region}]) == [None]


VISIT = {"cookie_id": "c1", "member_id": None, "ts": "2026-11-20 10:00:00", "section": "sports"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, None),
        ({"cookie_id": None}, "missing_key"),
        ({"ts": None}, "missing_value"),
        ({"ts": "25/11/2026"}, "unparseable_timestamp"),
        ({"ts": "2019-12-31 23:59:59"}, "timestamp_out_of_range"),
        ({"ts": "2026-11-25 12:00:01"}, "timestamp_out_of_range"),
        ({"section": "weather"}, "unknown_section"),
        ({"section": None}, "unknown_section"),
    ],
)
def test_visit_rules(conn, change, reason) -> None:
    assert reasons(conn, VISITS, [{**VISIT, **change}]) == [reason]


def test_repeated_cookie_is_not_a_duplicate(conn) -> None:
    assert reasons(conn, VISITS, [VISIT, VISIT]) == [None, None]


ORDER = {
    "order_id": "o1",
    "member_id": "u1",
    "ts": "2026-11-20 10:00:00",
    "category": "books",
    "amount_krw": "12000",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"amount_krw": "-5"}, "negative_amount"),
        ({"amount_krw": "12,000원"}, "unparseable_amount"),
        ({"member_id": None}, "missing_value"),
        ({"amount_krw": "0"}, None),
    ],
)
def test_order_rules(conn, change, reason) -> None:
    assert reasons(conn, ORDERS, [{**ORDER, **change}]) == [reason]


def test_only_later_copies_of_an_id_are_duplicates(conn) -> None:
    bad_first = {**ORDER, "amount_krw": "-1"}
    assert reasons(conn, ORDERS, [bad_first, ORDER, ORDER, ORDER]) == [
        "negative_amount",
        None,
        "duplicate_id",
        "duplicate_id",
    ]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("impression", None), ("click", None), ("view", "unknown_kind"), ("CLICK!", "unknown_kind")],
)
def test_ad_kind(conn, kind, reason) -> None:
    row = {
        "event_id": "e1",
        "campaign_id": "c",
        "cookie_id": "k",
        "ts": "2026-11-20 10:00:00",
        "kind": kind,
    }
    assert reasons(conn, AD_EVENTS, [row]) == [reason]


def test_quarantine_never_keeps_the_password_hash() -> None:
    cols = quarantine_columns(MEMBERS)
    assert "password_hash" not in cols
    assert cols[-3:] == ["_source_file", "_source_row", "_reason"]


def test_one_reason_per_row_in_fixed_order(conn) -> None:
    # missing key wins over everything else wrong with the row
    row = {**GOOD_MEMBER, "member_id": None, "gender": "X", "email": "nope"}
    assert reasons(conn, MEMBERS, [row]) == ["missing_key"]
