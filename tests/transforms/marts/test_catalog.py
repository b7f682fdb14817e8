"""The shipped marts: their SQL runs on a warehouse-shaped database and never yields an empty
key; every column is documented and none is named like an identifier."""

from __future__ import annotations

import pytest

from transforms.gate.identifiers import identifier_named_columns
from transforms.marts.catalog import MARTS

WAREHOUSE = [
    "CREATE TABLE members AS SELECT * FROM (VALUES "
    "('p1', '30s', NULL, NULL, TRUE, TRUE, TRUE)) t(member_pseudonym, age_band, gender, region, "
    "may_count_ads, may_count_research, may_count_analytics)",
    "CREATE TABLE visits AS SELECT * FROM (VALUES (DATE '2026-11-20', 'p1', 'c1', NULL)) "
    "t(event_date, member_pseudonym, cookie_pseudonym, section)",
    "CREATE TABLE cookie_links AS SELECT * FROM (VALUES ('p1', 'c1')) "
    "t(member_pseudonym, cookie_pseudonym)",
    "CREATE TABLE orders AS SELECT * FROM (VALUES (DATE '2026-11-20', 'p1', NULL, 100)) "
    "t(event_date, member_pseudonym, category, amount_krw)",
    "CREATE TABLE survey_responses AS SELECT * FROM (VALUES (DATE '2026-11-20', 'p1', NULL, "
    "NULL)) t(event_date, member_pseudonym, survey_id, choice)",
    "CREATE TABLE ad_events AS SELECT * FROM (VALUES (DATE '2026-11-20', 'p1', 'c1', NULL, "
    "'click'), (DATE '2026-11-20', NULL, 'c1', NULL, 'impression')) "
    "t(event_date, member_pseudonym, cookie_pseudonym, campaign_id, kind)",
]


@pytest.mark.parametrize("spec", MARTS, ids=lambda s: s.name)
def test_contributions_never_have_an_empty_key(conn, spec) -> None:
    for statement in WAREHOUSE:
        conn.execute(statement)
    dims = spec.dimension_names
    rows = conn.execute(f"SELECT unit, {', '.join(dims)} FROM ({spec.contributions})").fetchall()
    assert rows and all(None not in row for row in rows), rows


@pytest.mark.parametrize("spec", MARTS, ids=lambda s: s.name)
def test_every_column_is_documented_and_none_is_identifier_named(spec) -> None:
    assert spec.comment and all(c.comment for c in spec.columns)
    assert identifier_named_columns([c.name for c in spec.columns]) == []
    support = next(m for m in spec.measures if m.name == spec.support)
    assert support.sql.startswith("count(DISTINCT ")  # k is on people, never on rows


@pytest.mark.parametrize(
    ("names", "flagged"),
    [
        (["member_id", "visits"], ["member_id"]),
        (["user_email", "region"], ["user_email"]),
        (["cookie_pseudonym"], ["cookie_pseudonym"]),
        (
            ["real_name", "nickname", "ip", "birth_date"],
            ["real_name", "nickname", "ip", "birth_date"],
        ),
        (["members", "readers", "campaign_id", "survey_id", "age_band"], []),
    ],
)
def test_identifier_named_columns(names, flagged) -> None:
    assert identifier_named_columns(names) == flagged
