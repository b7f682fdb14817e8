"""A release's data period: the partition's month, up to its newest event day."""

from __future__ import annotations

import datetime as dt

from runtime.engine.duck import scalar
from runtime.engine.interface import Engine
from transforms.releases.catalog import EVENT_DAYS, Period


class ReleasePeriodError(ValueError):
    """No data to release in the month, or a last day outside it."""


def release_period(conn: Engine, month: str, last_day: str) -> Period:
    """The partition's month, up to its newest event day (or `last_day`)."""
    first = dt.date.fromisoformat(month)
    month_end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    newest = scalar(
        conn,
        f"SELECT max(event_date) FROM ({EVENT_DAYS}) WHERE event_date BETWEEN ? AND ?",  # noqa: S608
        [first, month_end],
    )
    if newest is None:
        raise ReleasePeriodError(
            f"no event data in the warehouse for {first:%Y-%m}: nothing to release"
        )
    last = dt.date.fromisoformat(last_day) if last_day else newest
    if not first <= last <= month_end:
        raise ReleasePeriodError(f"last_day {last} is not in the partition's month {first:%Y-%m}")
    return Period(first, last)
