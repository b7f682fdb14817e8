"""What partner and research releases count: the queries behind each released file.

Partners get, per segment, its audience size and, per campaign, impressions, clicks and reach
among the segment's members (members who agreed to advertising only). Research gets contingency
tables over members who did not opt out of research. Every table enumerates a public domain:
contract values (genders, regions, sections), age bands, and the configured categories and
campaigns (labels of the policy's vocabulary, D12). Any other category is 'Other categories',
as in the marts. Members of unknown age never count, so age has no 'unknown' cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from transforms.contract import GENDERS, REGIONS, SECTIONS
from transforms.marts.vocabulary import OTHER as OTHER_LABELS
from transforms.person.eligibility import Purpose, counted_events_sql
from transforms.person.generalize import band_label
from transforms.releases.queries import Dimension, Query
from transforms.releases.segments import OLDEST_AGE, Segment, segment_members_sql
from transforms.sql import in_list, literal

# Days holding events a release can count (visits, orders, ad events), one row per event.
EVENT_DAYS = (
    "SELECT event_date FROM visits UNION ALL SELECT event_date FROM orders "
    "UNION ALL SELECT event_date FROM ad_events"
)
UNKNOWN = "unknown"
OTHER_CATEGORIES = OTHER_LABELS["category"]


@dataclass(frozen=True)
class Period:
    """The data period a release covers: event days first..last (UTC), both included."""

    first: dt.date
    last: dt.date

    def as_tuple(self) -> tuple[str, str]:
        return self.first.isoformat(), self.last.isoformat()

    def between(self, column: str = "event_date") -> str:
        return f"{column} BETWEEN {literal(self.first)} AND {literal(self.last)}"


@dataclass(frozen=True)
class Domains:
    categories: tuple[str, ...]
    campaigns: tuple[str, ...]
    band_widths: tuple[int, ...]

    def decades(self) -> Dimension:
        return Dimension("age_band", tuple(band_label(lo, 10) for lo in range(0, OLDEST_AGE, 10)))


GENDER = Dimension("gender", (*GENDERS, UNKNOWN))
REGION = Dimension("region", (*REGIONS, UNKNOWN))
SECTION = Dimension("section", SECTIONS)


def _events(table: str, purpose: Purpose, period: Period) -> str:
    """The period's logged-in events of members who may count for `purpose`. Logged-out events
    are left out: credited to a shared device's member, they would let one member's presence
    change other members' counts, and no contribution bound would hold (D10)."""
    events = counted_events_sql(table, purpose, "members")
    return f"SELECT * FROM ({events}) WHERE {period.between()}"  # noqa: S608


def _known(column: str, domain: Dimension, fallback: str) -> str:
    return (
        f"CASE WHEN {column} IN {in_list(domain.values)} THEN {column} ELSE {literal(fallback)} END"
    )


# --- partner ------------------------------------------------------------------------------


def audience_query(segment: Segment, last_day: dt.date, widths: tuple[int, ...]) -> Query:
    """Members in the segment on `last_day`: each counts once. Without behaviour the segment
    does not depend on the day, so it is one question per month of data: re-asking with another
    last day returns the stored answer instead of a fresh draw of the same count."""
    as_of = str(last_day) if segment.behaviours else f"{last_day:%Y-%m}"
    return Query(
        label=f"audience_size of {segment.segment_id}",
        question={"count": "members", "of": segment.question(Purpose.ADS), "as_of": as_of},
        dimensions=(),
        contributions=segment_members_sql(segment, Purpose.ADS, last_day, widths),
        distinct=True,
        max_rows_per_member=1,
    )


CAMPAIGN_MEASURES = {
    # column: (what is counted, ad event kind, distinct members?)
    "impressions": ("impressions", "impression", False),
    "clicks": ("clicks", "click", False),
    "reach": ("members who saw an impression", "impression", True),
}


@dataclass(frozen=True)
class CampaignBounds:
    """The most impressions and clicks one member adds to a segment's campaign report; reach
    counts a member once per campaign."""

    impressions: int
    clicks: int


def campaign_queries(
    segment: Segment, period: Period, domains: Domains, bounds: CampaignBounds
) -> dict[str, Query]:
    """Impressions, clicks and reach per campaign among the segment's members in the period."""
    campaign = Dimension("campaign_id", domains.campaigns)
    members = segment_members_sql(segment, Purpose.ADS, period.last, domains.band_widths)
    queries = {}
    for column, (what, kind, distinct) in CAMPAIGN_MEASURES.items():
        contributions = (
            "SELECT member_pseudonym, campaign_id "  # noqa: S608
            f"FROM ({_events('ad_events', Purpose.ADS, period)}) WHERE kind = '{kind}' "
            f"AND campaign_id IN {in_list(campaign.values)} "
            f"AND member_pseudonym IN ({members})"
        )
        queries[column] = Query(
            label=f"{column} of {segment.segment_id} by campaign",
            question={
                "count": what,
                "of": segment.question(Purpose.ADS),
                "by": {"campaign_id": sorted(campaign.values)},
                "bound": "cells" if distinct else "rows",
                "period": list(period.as_tuple()),
            },
            dimensions=(campaign,),
            contributions=contributions,
            distinct=distinct,
            max_rows_per_member=len(campaign.values) if distinct else getattr(bounds, column),
        )
    return queries


# --- research -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResearchTable:
    name: str
    comment: str
    measure: str  # the count's column name
    measure_comment: str


RESEARCH_TABLES = {
    t.name: t
    for t in (
        ResearchTable(
            "readership_by_profile",
            "Members who read each section in the data period, by age band, gender and region",
            "readers",
            "Distinct members who read the section (differentially private)",
        ),
        ResearchTable(
            "buyers_by_category_age",
            "Members who bought in each shop category in the data period, by age band",
            "buyers",
            "Distinct members who ordered in the category (differentially private)",
        ),
    )
}


def research_query(name: str, period: Period, domains: Domains, max_rows_per_member: int) -> Query:
    table = RESEARCH_TABLES[name]
    age = domains.decades()
    dims: tuple[Dimension, ...]
    if name == "readership_by_profile":
        dims = (age, GENDER, REGION, SECTION)
        contributions = (
            "SELECT member_pseudonym, age_band, "  # noqa: S608
            f"{_known('gender', GENDER, UNKNOWN)} AS gender, "
            f"{_known('region', REGION, UNKNOWN)} AS region, section "
            f"FROM ({_events('visits', Purpose.RESEARCH, period)}) "
            f"WHERE section IN {in_list(SECTIONS)}"
        )
    else:
        category = Dimension("category", (*domains.categories, OTHER_CATEGORIES))
        dims = (category, age)
        contributions = (
            "SELECT member_pseudonym, "  # noqa: S608
            f"{_known('category', category, OTHER_CATEGORIES)} AS category, age_band "
            f"FROM ({_events('orders', Purpose.RESEARCH, period)})"
        )
    return Query(
        label=f"{table.measure} in {name}",
        question={
            "count": table.measure_comment,
            "purpose": Purpose.RESEARCH.value,
            "by": {d.name: list(d.values) for d in dims},
            "period": list(period.as_tuple()),
        },
        dimensions=dims,
        contributions=contributions,
        distinct=True,
        max_rows_per_member=max_rows_per_member,
    )
