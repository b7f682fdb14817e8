"""The one place that decides whether a member may count, per purpose (P3, P4).

Fixed rules, not configurable: a deleted or withdrawn member never counts; a member under 14
counts only with guardian consent; a member whose age is unknown cannot be shown to be 14 or
older and so does not count. Configurable per purpose: whether consent_ads is required and
whether opt_out_research excludes. Unknown flags take the most protective value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Purpose(StrEnum):
    ADS = "ads"
    RESEARCH = "research"
    ANALYTICS = "analytics"


@dataclass(frozen=True)
class PurposeRule:
    require_consent_ads: bool
    exclude_opt_out_research: bool


def may_count(rule: PurposeRule) -> str:
    """SQL over member columns is_deleted, is_under_14, guardian_consent, consent_ads,
    opt_out_research: TRUE only when this member may count for the purpose."""
    conditions = [
        "NOT COALESCE(is_deleted, TRUE)",
        "is_under_14 IS NOT NULL",
        "(NOT is_under_14 OR COALESCE(guardian_consent, FALSE))",
    ]
    if rule.require_consent_ads:
        conditions.append("COALESCE(consent_ads, FALSE)")
    if rule.exclude_opt_out_research:
        conditions.append("NOT COALESCE(opt_out_research, TRUE)")
    return "(" + " AND ".join(conditions) + ")"


def eligibility_columns(rules: dict[Purpose, PurposeRule]) -> list[str]:
    """`may_count_<purpose>` columns, one per purpose, for the warehouse members table."""
    return [f"{may_count(rules[p])} AS may_count_{p.value}" for p in Purpose]
