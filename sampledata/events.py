"""One day of events at a time, vectorized: visits, orders, survey answers, ad events."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sampledata.comments import make_comment
from sampledata.identities import Population
from sampledata.vocab import (
    CAMPAIGNS,
    CATEGORIES,
    CATEGORY_WEIGHTS,
    REFERRER_WEIGHTS,
    REFERRERS,
    SECTION_WEIGHTS,
    SECTIONS,
    SURVEYS,
)

# Rows per generated chunk: bounds memory at any size (a 2M-row visits chunk is ~1 GB).
CHUNK = 2_000_000


def _times(rng: np.random.Generator, day: dt.date, n: int) -> np.ndarray:
    start = np.datetime64(dt.datetime.combine(day, dt.time()), "s")
    seconds = np.sort(rng.integers(0, 86400, n)).astype("timedelta64[s]")
    return (start + seconds).astype("datetime64[us]")


def _before_requests(pop: Population, owner: np.ndarray, table: pa.Table) -> pa.Table:
    """A member who asked for deletion has no event after the request (owner -1: no member)."""
    limit = pop.requested_at[np.maximum(owner, 0)]
    ts = table.column("ts").to_numpy().astype("datetime64[us]")
    keep = (owner < 0) | (ts <= limit)
    return table if keep.all() else table.filter(pa.array(keep))


def _pick_cookies(rng: np.random.Generator, pop: Population, members: int, n: int) -> np.ndarray:
    """60% member cookies (some readers far more active), 40% non-member cookies."""
    anon_start = int(np.count_nonzero(pop.cookie_member >= 0))
    member_cookies = int(np.searchsorted(pop.cookie_member[:anon_start], members))  # not reserved
    anon = len(pop.cookie_member) - anon_start
    heavy = (member_cookies * rng.random(n) ** 2).astype(np.int64)
    return np.where(rng.random(n) < 0.6, heavy, anon_start + rng.integers(0, anon, n))


def _member_of(pop: Population, cookies: np.ndarray) -> pa.Array:
    owner = pop.cookie_member[cookies]
    ids = pc.take(pop.member_ids, pa.array(np.where(owner >= 0, owner, 0)))
    return pc.if_else(pa.array(owner >= 0), ids, pa.nulls(len(owner), pa.string()))


def visits(
    rng: np.random.Generator, pop: Population, members: int, day: dt.date, n: int
) -> pa.Table:
    cookies = _pick_cookies(rng, pop, members, n)
    member = _member_of(pop, cookies)
    section = pc.take(
        pa.array(SECTIONS), rng.choice(len(SECTIONS), n, p=SECTION_WEIGHTS / SECTION_WEIGHTS.sum())
    )
    article = pc.cast(pa.array(rng.integers(100_000, 400_000, n)), pa.string())
    url = pc.binary_join_element_wise(
        "https://www.nktimes.example/", section, "/articleView.html?idxno=", article, ""
    )
    tail = np.array(["", "&utm_source=naver", "#comments", "&page=2"], dtype=object)[
        rng.integers(0, 4, n)
    ]
    owner = pop.cookie_member[cookies]
    leak = (owner >= 0) & (rng.random(n) < 0.01)  # the site put the member's email in a link
    email = pc.take(pop.emails, pa.array(np.where(owner >= 0, owner, 0)))
    extra = pc.if_else(
        pa.array(leak),
        pc.binary_join_element_wise("&email=", email, ""),
        pa.array(tail, pa.string()),
    )
    table = pa.table(
        {
            "cookie_id": pc.take(pop.cookie_ids, pa.array(cookies)),
            "member_id": member,
            "ts": pa.array(_times(rng, day, n), pa.timestamp("us")),
            "section": section,
            "url": pc.binary_join_element_wise(url, extra, ""),
            "referrer": pc.take(
                pa.array(REFERRERS, pa.string()),
                rng.choice(len(REFERRERS), n, p=REFERRER_WEIGHTS / REFERRER_WEIGHTS.sum()),
            ),
            "ip": pc.take(pop.cookie_ips, pa.array(cookies)),
            "user_agent": pc.take(pop.cookie_agents, pa.array(cookies)),
        }
    )
    return _before_requests(pop, owner, table)


def _ids(prefix: str, start: int, n: int) -> pa.Array:
    return pa.array([f"{prefix}{i:010d}" for i in range(start, start + n)], pa.string())


def orders(
    rng: np.random.Generator, pop: Population, members: int, day: dt.date, n: int, first_id: int
) -> pa.Table:
    who = rng.integers(0, members, n)
    amount = np.maximum(1000, np.round(rng.lognormal(10.3, 0.9, n), -2)).astype(np.int64)
    table = pa.table(
        {
            "order_id": _ids("o", first_id, n),
            "member_id": pc.take(pop.member_ids, pa.array(who)),
            "ts": pa.array(_times(rng, day, n), pa.timestamp("us")),
            "category": pc.take(
                pa.array(CATEGORIES),
                rng.choice(len(CATEGORIES), n, p=CATEGORY_WEIGHTS / CATEGORY_WEIGHTS.sum()),
            ),
            "amount_krw": pa.array(amount),
        }
    )
    return _before_requests(pop, who, table)


def survey_responses(
    rng: np.random.Generator, pop: Population, members: int, day: dt.date, n: int, first_id: int
) -> pa.Table:
    who = rng.integers(0, members, n)
    surveys = list(SURVEYS)
    survey = [surveys[i] for i in rng.integers(0, len(surveys), n)]
    choice = [SURVEYS[s][int(rng.integers(0, len(SURVEYS[s])))] for s in survey]
    fields = [pop.names, pop.nicknames, pop.emails, pop.phones]
    values = [pc.take(f, pa.array(who)).to_pylist() for f in fields]
    comments = [make_comment(rng, *v) for v in zip(*values, strict=True)]
    table = pa.table(
        {
            "response_id": _ids("r", first_id, n),
            "survey_id": pa.array(survey, pa.string()),
            "member_id": pc.take(pop.member_ids, pa.array(who)),
            "ts": pa.array(_times(rng, day, n), pa.timestamp("us")),
            "choice": pa.array(choice, pa.string()),
            "comment": pa.array(comments, pa.string()),
        }
    )
    return _before_requests(pop, who, table)


def ad_events(
    rng: np.random.Generator, pop: Population, members: int, day: dt.date, n: int, first_id: int
) -> pa.Table:
    cookies = _pick_cookies(rng, pop, members, n)
    table = pa.table(
        {
            "event_id": _ids("e", first_id, n),
            "campaign_id": pc.take(pa.array(CAMPAIGNS), rng.integers(0, len(CAMPAIGNS), n)),
            "cookie_id": pc.take(pop.cookie_ids, pa.array(cookies)),
            "member_id": _member_of(pop, cookies),
            "ts": pa.array(_times(rng, day, n), pa.timestamp("us")),
            "kind": pa.array(np.where(rng.random(n) < 0.035, "click", "impression"), pa.string()),
        }
    )
    return _before_requests(pop, pop.cookie_member[cookies], table)
