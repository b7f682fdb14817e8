"""Ad segments: who is in one, as SQL over the warehouse, and the normalized question it asks.

A segment filters members on generalized attributes (gender, age band, region) and on their own
behaviour in a window ending on a given day. Two segments that select the same members under
different names have the same `question()`: releases key stored answers on it (P5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from transforms.person.eligibility import Purpose, counted_events_sql
from transforms.person.generalize import band_label
from transforms.person.tables import band_column
from transforms.sql import in_list, literal

OLDEST_AGE = 129  # birth dates before 1900 are rejected at ingest


class Action(StrEnum):
    READ = "read"  # a section of the site
    BOUGHT = "bought"  # a shop category
    CLICKED = "clicked"  # an ad campaign


# Where each action's events are, and which column names the thing acted on.
_EVENTS = {
    Action.READ: ("visits", "section"),
    Action.BOUGHT: ("orders", "category"),
    Action.CLICKED: ("ad_events", "campaign_id"),
}


@dataclass(frozen=True)
class Behaviour:
    action: Action
    value: str
    at_least: int = 1
    days: int = 30

    def question(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "value": self.value,
            "at_least": self.at_least,
            "days": self.days,
        }


@dataclass(frozen=True)
class AgeBands:
    """An age range on the configured bands: the members column and the labels it covers."""

    column: str
    labels: tuple[str, ...]


def age_bands(age_from: int, age_to: int, widths: tuple[int, ...]) -> AgeBands:
    """The bands that exactly cover ages age_from..age_to, on the widest band width that fits.

    Raises ValueError when no configured width tiles the range (e.g. 20..27 on 10-year bands).
    """
    if not 0 <= age_from <= age_to <= OLDEST_AGE:
        raise ValueError(f"age range {age_from}..{age_to} is not within 0..{OLDEST_AGE}")
    for width in sorted(widths, reverse=True):
        if age_from % width == 0 and (age_to + 1) % width == 0:
            lows = range(age_from, age_to + 1, width)
            return AgeBands(band_column(width), tuple(band_label(lo, width) for lo in lows))
    raise ValueError(
        f"age range {age_from}..{age_to} does not fall on the configured age bands "
        f"(widths {sorted(widths)}): start on a band's first year and end on a band's last"
    )


@dataclass(frozen=True)
class Segment:
    segment_id: str
    description: str = ""
    genders: tuple[str, ...] = ()  # empty: any gender, unknown included
    age: tuple[int, int] | None = None  # whole years on the run date, inclusive
    regions: tuple[str, ...] = ()  # empty: any region, unknown included
    behaviours: tuple[Behaviour, ...] = field(default=())

    def question(self, purpose: Purpose) -> dict[str, Any]:
        """What the segment selects, without its name or wording: equal for equal segments."""
        return {
            "kind": "segment",
            "purpose": purpose.value,
            "genders": sorted(set(self.genders)),
            "age": list(self.age) if self.age else None,
            "regions": sorted(set(self.regions)),
            "behaviours": sorted(
                (b.question() for b in set(self.behaviours)),
                key=lambda q: (q["action"], q["value"], q["at_least"], q["days"]),
            ),
        }


def _acted(b: Behaviour, purpose: Purpose, last_day: dt.date) -> str:
    """Members who did `b` at least b.at_least times in the b.days days ending on last_day.

    Logged-in events only: a logged-out event on a shared device would be credited to one of
    its members, so one member joining or leaving could change others' counts and no
    contribution bound would hold."""
    table, column = _EVENTS[b.action]
    events = counted_events_sql(table, purpose, "members")
    first_day = last_day - dt.timedelta(days=b.days - 1)
    kind = " AND kind = 'click'" if b.action is Action.CLICKED else ""
    return (
        f"SELECT member_pseudonym FROM ({events}) WHERE {column} = "  # noqa: S608
        f"{literal(b.value)}{kind} AND event_date BETWEEN {literal(first_day)} "
        f"AND {literal(last_day)} GROUP BY member_pseudonym HAVING count(*) >= {b.at_least}"
    )


def segment_members_sql(
    segment: Segment, purpose: Purpose, last_day: dt.date, band_widths: tuple[int, ...]
) -> str:
    """member_pseudonym of every member in the segment who may count for `purpose`."""
    where = [f"may_count_{purpose.value}"]
    if segment.genders:
        where.append(f"gender IN {in_list(segment.genders)}")
    if segment.age:
        bands = age_bands(*segment.age, band_widths)
        where.append(f"{bands.column} IN {in_list(bands.labels)}")
    if segment.regions:
        where.append(f"region IN {in_list(segment.regions)}")
    where += [f"member_pseudonym IN ({_acted(b, purpose, last_day)})" for b in segment.behaviours]
    return f"SELECT member_pseudonym FROM members WHERE {' AND '.join(where)}"  # noqa: S608


def memberships_sql(
    segments: tuple[Segment, ...], purpose: Purpose, last_day: dt.date, widths: tuple[int, ...]
) -> str:
    """(member_pseudonym, segment_id): each member once per segment they are in."""
    return " UNION ALL ".join(
        f"SELECT member_pseudonym, {literal(s.segment_id)} AS segment_id "  # noqa: S608
        f"FROM ({segment_members_sql(s, purpose, last_day, widths)})"
        for s in segments
    )
