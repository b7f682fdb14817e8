"""Deletion requests: ~0.5% of members, each asking after their last event (many on end_date)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pyarrow as pa

from sampledata.identities import Population

NEVER = np.datetime64("9999-12-31T00:00:00", "us")


def with_requests(
    rng: np.random.Generator, pop: Population, members: int, first: dt.date, end: dt.date
) -> tuple[Population, pa.Table]:
    """Pick who asks and when; the population learns the times so events stop before them."""
    n = min(members, max(10, members // 200))
    who = np.sort(rng.choice(members, n, replace=False))
    days = (end - first).days + 1
    on_end = rng.random(n) < 0.4  # the export runs right after a busy day of requests
    day = np.where(on_end, days - 1, rng.integers(0, days, n))
    start = np.datetime64(first, "us")
    when = start + (day * 86_400 + rng.integers(0, 86_400, n)).astype("timedelta64[s]")
    requested_at = np.full(pop.size, NEVER)
    requested_at[who] = when
    table = pa.table(
        {
            "member_id": pop.member_ids.take(pa.array(who)),
            "requested_at": pa.array(when.astype("datetime64[us]"), pa.timestamp("us")),
        }
    )
    return dataclasses.replace(pop, requested_at=requested_at), table
