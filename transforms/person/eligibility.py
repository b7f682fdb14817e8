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


def cookie_owners_sql(purpose: Purpose, members: str, links: str) -> str:
    """Each cookie ever seen with a member (`links`: member and cookie pseudonyms): the member
    its anonymous events count as (the smallest pseudonym, for a shared device) and whether
    every member seen on it may count."""
    return (
        "SELECT l.cookie_pseudonym, min(l.member_pseudonym) AS owner, "  # noqa: S608
        f"bool_and(COALESCE(m.may_count_{purpose.value}, FALSE)) AS owner_may_count "
        f"FROM {links} l LEFT JOIN {members} m ON m.member_pseudonym = l.member_pseudonym "
        "GROUP BY l.cookie_pseudonym"
    )


_PROFILE = "m.age_band, m.gender, m.region"


def counted_events_sql(
    events: str, purpose: Purpose, members: str, owners: str | None = None
) -> str:
    """The events that may count for `purpose`, each with `unit` (who it counts as: 'm:' and a
    member pseudonym, or 'c:' and the cookie pseudonym of a non-member), `is_member`, and the
    member's age_band, gender and region.

    A logged-out event of a cookie seen with a member counts as that member, so it is dropped
    when that member may not count: an opted-out or non-consenting member never comes back as
    "non-member traffic". `owners` is `cookie_owners_sql` for tables with cookies, else None.
    """
    col = f"may_count_{purpose.value}"
    if owners is None:
        return (
            f"SELECT e.*, 'm:' || e.member_pseudonym AS unit, TRUE AS is_member, {_PROFILE} "  # noqa: S608
            f"FROM {events} e JOIN {members} m ON m.member_pseudonym = e.member_pseudonym "
            f"WHERE COALESCE(m.{col}, FALSE)"
        )
    member = "COALESCE(e.member_pseudonym, o.owner)"
    return (
        f"SELECT e.*, CASE WHEN {member} IS NOT NULL THEN 'm:' || {member} "  # noqa: S608
        f"ELSE 'c:' || e.cookie_pseudonym END AS unit, {member} IS NOT NULL AS is_member, "
        f"{_PROFILE} FROM {events} e "
        f"LEFT JOIN {owners} o ON e.member_pseudonym IS NULL "
        "AND o.cookie_pseudonym = e.cookie_pseudonym "
        f"LEFT JOIN {members} m ON m.member_pseudonym = {member} "
        f"WHERE CASE WHEN e.member_pseudonym IS NOT NULL THEN COALESCE(m.{col}, FALSE) "
        "WHEN o.owner IS NOT NULL THEN o.owner_may_count "
        "ELSE e.cookie_pseudonym IS NOT NULL END"
    )
