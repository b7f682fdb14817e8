"""Internal targeting lists: which consenting member is in which segment, for the site's own ad
server. A warehouse table (person-level, erased with the member); it never leaves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from runtime.engine.duck import scalar
from runtime.engine.interface import Engine
from transforms.person.eligibility import Purpose
from transforms.person.tables import TARGETING_LISTS
from transforms.releases.catalog import EVENT_DAYS
from transforms.releases.segments import Segment, memberships_sql
from transforms.sql import literal


class NoEventDataError(RuntimeError):
    pass


@dataclass(frozen=True)
class TargetingLists:
    as_of: dt.date
    sizes: dict[str, int]  # members per segment
    strays: int  # listed members who may not count for ads (must be 0)


def build_targeting_lists(
    conn: Engine, segments: tuple[Segment, ...], widths: tuple[int, ...]
) -> TargetingLists:
    """The lists as of the newest event day, and who is on them who may not be (recounted
    from the members table, not from the rule that built them)."""
    as_of = scalar(conn, f"SELECT max(event_date) FROM ({EVENT_DAYS})")  # noqa: S608
    if as_of is None:
        raise NoEventDataError("no event data in the warehouse: nothing to build segments from")
    conn.execute(
        f"CREATE OR REPLACE TABLE {TARGETING_LISTS} AS SELECT DISTINCT member_pseudonym, "  # noqa: S608
        f"segment_id, {literal(as_of)} AS as_of FROM "
        f"({memberships_sql(segments, Purpose.ADS, as_of, widths)})"
    )
    sizes = dict(
        conn.execute(f"SELECT segment_id, count(*) FROM {TARGETING_LISTS} GROUP BY 1").fetchall()  # noqa: S608
    )
    strays = scalar(
        conn,
        f"SELECT count(*) FROM {TARGETING_LISTS} t LEFT JOIN members m "  # noqa: S608
        "USING (member_pseudonym) WHERE NOT COALESCE(m.may_count_ads, FALSE)",
    )
    return TargetingLists(as_of, sizes, int(strays))
