from __future__ import annotations

import pytest

from tests.transforms.conftest import one
from transforms.eligibility import Purpose, PurposeRule, eligibility_columns, may_count

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
