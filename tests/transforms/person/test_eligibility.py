from __future__ import annotations

import pytest

from tests.transforms.conftest import one
from transforms.person.eligibility import (
    Purpose,
    PurposeRule,
    cookie_owners_sql,
    counted_events_sql,
    eligibility_columns,
    may_count,
)

RULES = {
    Purpose.ADS: PurposeRule(require_consent_ads=True, exclude_opt_out_research=False),
    Purpose.RESEARCH: PurposeRule(require_consent_ads=False, exclude_opt_out_research=True),
    Purpose.ANALYTICS: PurposeRule(require_consent_ads=False, exclude_opt_out_research=True),
}
ADULT = {
    "is_deleted": False,
    "is_under_14": False,
    "guardian_consent": False,
    "consent_ads": True,
    "opt_out_research": False,
}


def decide(conn, member: dict[str, bool | None], purpose: Purpose) -> bool:
    cols = ", ".join(f"{'NULL' if v is None else v}::BOOLEAN AS {k}" for k, v in member.items())
    return bool(one(conn, f"SELECT {may_count(RULES[purpose])} FROM (SELECT {cols})"))


@pytest.mark.parametrize(
    ("change", "ads", "research", "analytics"),
    [
        ({}, True, True, True),
        ({"consent_ads": False}, False, True, True),
        ({"consent_ads": None}, False, True, True),
        ({"opt_out_research": True}, True, False, False),
        ({"opt_out_research": None}, True, False, False),
        ({"is_under_14": True}, False, False, False),
        ({"is_under_14": True, "guardian_consent": True}, True, True, True),
        ({"is_under_14": None}, False, False, False),  # age unknown: cannot show 14 or older
        ({"is_deleted": True}, False, False, False),
    ],
)
def test_consent_per_purpose(conn, change, ads, research, analytics) -> None:
    member = {**ADULT, **change}
    assert decide(conn, member, Purpose.ADS) is ads
    assert decide(conn, member, Purpose.RESEARCH) is research
    assert decide(conn, member, Purpose.ANALYTICS) is analytics


def test_one_column_per_purpose() -> None:
    cols = eligibility_columns(RULES)
    assert [c.rsplit(" AS ", 1)[1] for c in cols] == [
        "may_count_ads",
        "may_count_research",
        "may_count_analytics",
    ]


def counted(conn, purpose: Purpose) -> list[tuple[str, str]]:
    """(event id, unit) of the events that count, on a tiny warehouse."""
    conn.execute(
        "CREATE OR REPLACE TABLE members AS SELECT * FROM (VALUES "
        "('ok', '20s', 'F', 'Seoul', TRUE, TRUE), ('no', '20s', 'F', 'Seoul', FALSE, FALSE)) "
        "t(member_pseudonym, age_band, gender, region, may_count_ads, may_count_analytics)"
    )
    conn.execute(
        "CREATE OR REPLACE TABLE visits AS SELECT * FROM (VALUES "
        "('e1', 'ok', 'c_ok'), ('e2', NULL, 'c_ok'), ('e3', 'no', 'c_no'), ('e4', NULL, 'c_no'), "
        "('e5', NULL, 'c_anon'), ('e6', 'gone', 'c_gone'), ('e7', NULL, 'c_shared'), "
        "('e8', 'ok', 'c_shared'), ('e9', 'no', 'c_shared')) "
        "t(event_id, member_pseudonym, cookie_pseudonym)"
    )
    conn.execute(
        "CREATE OR REPLACE TABLE links AS SELECT DISTINCT member_pseudonym, cookie_pseudonym "
        "FROM visits WHERE member_pseudonym IS NOT NULL"
    )
    owners = f"({cookie_owners_sql(purpose, 'members', 'links')})"
    sql = counted_events_sql("visits", purpose, "members", owners)
    return sorted(conn.execute(f"SELECT event_id, unit FROM ({sql})").fetchall())


@pytest.mark.parametrize("purpose", [Purpose.ADS, Purpose.ANALYTICS])
def test_logged_out_events_count_as_the_cookies_member_or_not_at_all(conn, purpose) -> None:
    # e2: logged out on an eligible member's cookie -> that member; e4: logged out on the cookie
    # of a member who may not count -> dropped, never "non-member"; e5: a true non-member;
    # e6: a member the warehouse does not know -> dropped; e7: a cookie shared with a member
    # who may not count -> dropped; e8: logged in -> counts as themself.
    assert counted(conn, purpose) == [
        ("e1", "m:ok"),
        ("e2", "m:ok"),
        ("e5", "c:c_anon"),
        ("e8", "m:ok"),
    ]
