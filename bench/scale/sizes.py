"""Named sizes. `large` is the site the product is for (1M members, 100M visits in 14 days)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    members: int
    visits: int
    ad_events: int
    comments: int  # survey responses (about half carry a comment)
    orders: int
    days: int = 14


SIZES = {
    s.name: s
    for s in (
        Size("tiny", 2_000, 200_000, 40_000, 2_000, 2_000, days=3),
        Size("small", 100_000, 10_000_000, 2_000_000, 100_000, 100_000),
        Size("large", 1_000_000, 100_000_000, 20_000_000, 1_000_000, 1_000_000),
    )
}
