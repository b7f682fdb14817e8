"""Every release query's counts move by at most its sensitivity when one member is removed,
also when that member shares devices with many others (the claim noise is calibrated to)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from transforms.releases.catalog import CampaignBounds, Domains, Period
from transforms.releases.plan import partner_plan, research_plan
from transforms.releases.queries import bounded_counts_sql
from transforms.releases.segments import Action, Behaviour, Segment

DOMAINS = Domains(("books",), ("c1", "c2"), (10, 5))
PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 24))
SEGMENTS = (
    Segment("women_20s", genders=("F",), age=(20, 29)),
    Segment("readers", behaviours=(Behaviour(Action.READ, "sports", 2, 30),)),
    Segment("clickers", behaviours=(Behaviour(Action.CLICKED, "c1", 1, 30),)),
)
OTHERS = 20


def world() -> duckdb.DuckDBPyConnection:
    """Member 'a' shares one device with each of 20 others, who read and click only logged out
    there (their devices are linked to them by earlier logins); 'a' also logs in."""
    conn = duckdb.connect()
    people = ["a", *(f"o{i}" for i in range(OTHERS))]
    conn.execute(
        "CREATE TABLE members AS SELECT unnest(?) AS member_pseudonym, '20s' AS age_band, "
        "'20-24' AS age_band_5y, 'F' AS gender, 'Jeju' AS region, TRUE AS may_count_ads, "
        "TRUE AS may_count_research, TRUE AS may_count_analytics",
        [people],
    )
    links = [(p, f"dev_{p}") for p in people] + [("a", f"dev_o{i}") for i in range(OTHERS)]
    conn.execute(
        "CREATE TABLE cookie_links AS SELECT l[1] AS member_pseudonym, l[2] AS cookie_pseudonym "
        "FROM unnest(?::VARCHAR[][]) t(l)",
        [[list(x) for x in links]],
    )
    conn.execute(
        "CREATE TABLE visits AS SELECT DATE '2026-11-20' + (i % 3)::INT AS event_date, "
        "CASE WHEN p = 'a' AND i % 2 = 0 THEN p END AS member_pseudonym, "
        "'dev_' || p AS cookie_pseudonym, s AS section FROM unnest(?) t(p), unnest(['sports', 'culture', 'economy', 'world']) "
        "u(s), range(6) r(i)",
        [people],
    )
    conn.execute(
        "CREATE TABLE ad_events AS SELECT DATE '2026-11-21' AS event_date, CASE WHEN p = 'a' "
        "AND i % 2 = 0 THEN p END AS member_pseudonym, 'dev_' || p AS cookie_pseudonym, c AS campaign_id, k AS "
        "kind FROM unnest(?) t(p), unnest(['c1', 'c2']) u(c), unnest(['impression', 'click']) "
        "v(k), range(8) r(i)",
        [people],
    )
    conn.execute(
        "CREATE TABLE orders AS SELECT DATE '2026-11-22' AS event_date, p AS member_pseudonym, "
        "c AS category FROM unnest(?) t(p), unnest(['books', 'food', 'home']) u(c)",
        [people],
    )
    return conn


def counts(conn: duckdb.DuckDBPyConnection, sql: str) -> dict[str, int]:
    return dict(conn.execute(sql).fetchall())


def without_a(conn: duckdb.DuckDBPyConnection) -> None:
    for table in ("members", "cookie_links", "visits", "ad_events", "orders"):
        conn.execute(f"DELETE FROM {table} WHERE member_pseudonym = 'a'")


@pytest.mark.parametrize("kind", ["partner", "research"])
def test_removing_one_member_moves_each_query_by_at_most_its_sensitivity(kind: str) -> None:
    if kind == "partner":
        plan = partner_plan("p", SEGMENTS, PERIOD, DOMAINS, CampaignBounds(3, 2))
    else:
        plan = research_plan(
            "r", {"readership_by_profile": 2, "buyers_by_category_age": 2}, PERIOD, DOMAINS
        )
    conn = world()
    before = {key: counts(conn, bounded_counts_sql(q)) for key, q in plan.queries.items()}
    without_a(conn)
    for key, q in plan.queries.items():
        after = counts(conn, bounded_counts_sql(q))
        moved = sum(abs(before[key][c] - after[c]) for c in after)
        assert 0 < moved <= q.sensitivity, (q.label, moved, q.sensitivity)
