"""Building one mart on a toy table: threshold, roll-up, complementary suppression, and the
check predicates seeing each mistake."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from runtime.config.policy import load_policy
from runtime.marts.build import build_mart
from runtime.marts.verify import verify_mart
from transforms.marts.catalog import AD_CAMPAIGNS, SHOPPING
from transforms.marts.spec import Column, Margin, MartSpec, Measure, RollUp

K = 10
TOY_LABELS = {"grp": "TRUE", "region": "TRUE"}  # the toy's labels are not what these test
LABELS = load_policy().mart_labels()


def toy(**overrides) -> MartSpec:
    """Members by (grp, region), regions rolled up; optionally a total per grp that is known."""
    fields = {
        "name": "toy",
        "comment": "toy",
        "contributions": "SELECT unit, grp, region FROM raw_toy",
        "dimensions": (Column("grp", "VARCHAR", "g"), Column("region", "VARCHAR", "r")),
        "support": "people",
        "measures": (
            Measure("people", "BIGINT", "p", "count(DISTINCT unit)"),
            Measure("rows_seen", "BIGINT", "n", "count(*)"),
        ),
        "rollup": RollUp("region", "Other regions"),
    }
    return MartSpec(**{**fields, **overrides})


@pytest.fixture
def conn() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    yield c
    c.close()


def plant(conn: duckdb.DuckDBPyConnection, groups: dict[tuple[str, str], int], rows: int = 25):
    """`groups[(grp, region)]` distinct people, each seen `rows` times."""
    values = [
        (f"{grp}-{region}-{i}", grp, region)
        for (grp, region), people in groups.items()
        for i in range(people)
        for _ in range(rows)
    ]
    conn.execute("CREATE OR REPLACE TABLE raw_toy (unit VARCHAR, grp VARCHAR, region VARCHAR)")
    conn.executemany("INSERT INTO raw_toy VALUES (?, ?, ?)", values)


def published(conn, spec=None) -> dict[tuple[str, str], int]:
    build_mart(conn, spec or toy(), K, "toy")
    return {(g, r): n for g, r, n, _ in conn.execute("SELECT * FROM toy").fetchall()}


@pytest.mark.parametrize(("people", "shown"), [(K - 1, False), (K, True), (K + 1, True)])
def test_threshold_counts_people_not_rows(conn, people, shown) -> None:
    plant(conn, {("a", "Seoul"): people, ("a", "Busan"): 30}, rows=50)
    out = published(conn)
    assert (("a", "Seoul") in out) is shown
    assert out.get(("a", "Seoul"), people) == people
    assert ("a", "Other regions") not in out  # one small region alone is not a roll-up


def test_small_regions_merge_into_other_regions(conn) -> None:
    plant(conn, {("a", "Jeju"): 4, ("a", "Sejong"): 7, ("a", "Seoul"): 40, ("b", "Ulsan"): 3})
    assert published(conn) == {("a", "Other regions"): 11, ("a", "Seoul"): 40}
    verdicts = verify_mart(conn, toy(), K, "toy", TOY_LABELS)
    assert all(v.passed for v in verdicts), verdicts


def test_a_published_total_makes_the_next_smallest_cell_withheld(conn) -> None:
    spec = toy(rollup=None, margins=(Margin(group=("grp",), row_label="all"),))
    plant(conn, {("a", "Jeju"): 3, ("a", "Seoul"): 40, ("a", "Busan"): 12, ("a", "Daegu"): 15})
    out = published(conn, spec)
    # total 70 minus the published cells would give Jeju's 3; Busan (12) goes too: residual 15
    assert out == {("a", "Daegu"): 15, ("a", "Seoul"): 40, ("a", "all"): 70}
    assert all(v.passed for v in verify_mart(conn, spec, K, "toy", TOY_LABELS))


def test_published_totals_are_protected_like_cells(conn) -> None:
    spec = toy(rollup=None, margins=(Margin(group=("grp",), row_label="all"),))
    plant(conn, {("a", "members"): 4, ("a", "guests"): 50, ("b", "members"): 4})
    out = published(conn, spec)
    assert out == {("a", "all"): 54}  # guests withheld, or all - guests = members
    assert all(v.passed for v in verify_mart(conn, spec, K, "toy", TOY_LABELS))


def verdict(conn, spec, name) -> bool:
    return {v.check: v.passed for v in verify_mart(conn, spec, K, "toy", TOY_LABELS)}[name]


def test_k_check_fails_on_a_small_published_row(conn) -> None:
    plant(conn, {("a", "Seoul"): 40, ("a", "Busan"): 9})
    published(conn)
    assert verdict(conn, toy(), "k_threshold_holds")
    conn.execute("INSERT INTO toy VALUES ('a', 'Busan', 9, 225)")
    assert not verdict(conn, toy(), "k_threshold_holds")


def test_k_check_fails_when_a_published_count_is_not_the_recount(conn) -> None:
    plant(conn, {("a", "Seoul"): 40})
    published(conn)
    conn.execute("UPDATE toy SET people = 41")
    assert not verdict(conn, toy(), "k_threshold_holds")


def test_residual_check_fails_when_only_one_cell_is_withheld(conn) -> None:
    spec = toy(rollup=None, margins=(Margin(group=("grp",), row_label="all"),))
    plant(conn, {("a", "Jeju"): 3, ("a", "Seoul"): 40, ("a", "Busan"): 12})
    published(conn, spec)
    assert verdict(conn, spec, "no_suppressed_cell_recoverable")
    conn.execute("INSERT INTO toy VALUES ('a', 'Busan', 12, 300)")
    assert not verdict(conn, spec, "no_suppressed_cell_recoverable")


def test_identifier_named_column_fails(conn) -> None:
    plant(conn, {("a", "Seoul"): 40})
    published(conn)
    conn.execute("ALTER TABLE toy ADD COLUMN member_email VARCHAR")
    assert not verdict(conn, toy(), "no_identifier_column")


@pytest.mark.parametrize(
    "damage",
    [
        "INSERT INTO toy SELECT * FROM toy",  # duplicate keys
        "UPDATE toy SET rows_seen = -1",  # negative count
        "DELETE FROM toy",  # empty although 40 people contribute
    ],
)
def test_plausibility_fails_on_broken_tables(conn, damage) -> None:
    plant(conn, {("a", "Seoul"): 40})
    published(conn)
    assert verdict(conn, toy(), "row_counts_plausible")
    conn.execute(damage)
    assert not verdict(conn, toy(), "row_counts_plausible")


def test_an_empty_mart_is_plausible_when_every_group_is_small(conn) -> None:
    plant(conn, {("a", "Seoul"): 4, ("b", "Busan"): 4, ("c", "Jeju"): 4})
    assert published(conn) == {}
    assert verdict(conn, toy(), "row_counts_plausible")


@pytest.mark.parametrize(
    "bad",
    [
        {"support": "nothing"},
        {"rollup": RollUp("nowhere", "x")},
        {"margins": (Margin(group=("nowhere",), row_label="all"),)},
        {"margins": (Margin(group=("grp", "region"), row_label="all"),)},
    ],
)
def test_spec_refuses_inconsistent_definitions(bad) -> None:
    with pytest.raises(ValueError, match="toy"):
        toy(**bad)


def test_withholding_a_large_cell_beside_a_published_roll_up_keeps_the_checks_true(conn) -> None:
    """A region of k or more withheld next to a published 'Other regions' is not part of it."""
    spec = toy(margins=(Margin(group=("region",), row_label="all"),))  # totals per region
    plant(conn, {("a", "Seoul"): 40, ("a", "Busan"): 10, ("a", "Jeju"): 5, ("a", "Ulsan"): 6,
                 ("b", "Busan"): 3})  # fmt: skip
    out = published(conn, spec)
    # Busan's total 13 minus a's Busan 10 would give b's 3 away: a's Busan is withheld
    assert out[("all", "Busan")] == 13 and ("a", "Busan") not in out
    assert out[("a", "Other regions")] == 11  # Jeju and Ulsan only
    assert all(v.passed for v in verify_mart(conn, spec, K, "toy", TOY_LABELS))


def test_an_empty_key_is_matched_and_withheld_like_any_other(conn) -> None:
    spec = toy(rollup=None, margins=(Margin(group=("grp",), row_label="all"),))
    plant(conn, {("a", "Seoul"): 40, ("a", None): 12, ("a", "Jeju"): 3})
    out = published(conn, spec)
    assert out == {("a", "Seoul"): 40, ("a", "all"): 55}  # 55 - 40 leaves 15 people, not 3


def warehouse(conn, members, events, table):
    conn.execute(
        "CREATE TABLE members (member_pseudonym VARCHAR, age_band VARCHAR, gender VARCHAR, region VARCHAR, may_count_ads BOOLEAN, may_count_analytics BOOLEAN)"
    )
    for m in members:
        conn.execute("INSERT INTO members VALUES (?, '30s', 'F', 'Seoul', TRUE, TRUE)", [m])
    conn.execute("CREATE TABLE cookie_links (member_pseudonym VARCHAR, cookie_pseudonym VARCHAR)")
    conn.execute(f"CREATE TABLE {table} AS SELECT * FROM events")


def test_impressions_need_k_people_who_saw_them(conn) -> None:
    """One cookie's 37 impressions must not show because 9 others only clicked that day."""
    rows = [("one", "impression")] * 37 + [(f"clicker{i}", "click") for i in range(9)]
    conn.execute(
        "CREATE TABLE events (event_date DATE, member_pseudonym VARCHAR, cookie_pseudonym VARCHAR, campaign_id VARCHAR, kind VARCHAR)"
    )
    conn.executemany("INSERT INTO events VALUES (DATE '2026-11-22', NULL, ?, 'c1', ?)", rows)
    warehouse(conn, [], "events", "ad_events")
    build_mart(conn, AD_CAMPAIGNS, K, "ads")
    assert conn.execute("SELECT * FROM ads").fetchall() == []
    assert all(v.passed for v in verify_mart(conn, AD_CAMPAIGNS, K, "ads", LABELS))


def test_revenue_needs_k_members_who_paid(conn) -> None:
    """Nine orders of 0 won and one of 990,000: the sum is one member's spending."""
    members = [f"m{i}" for i in range(10)]
    conn.execute(
        "CREATE TABLE events (event_date DATE, member_pseudonym VARCHAR, category VARCHAR, amount_krw BIGINT)"
    )
    conn.executemany(
        "INSERT INTO events VALUES (DATE '2026-11-22', ?, 'books', ?)",
        [[m, 990_000 if m == "m0" else 0] for m in members],
    )
    warehouse(conn, members, "events", "orders")
    build_mart(conn, SHOPPING, K, "shop")
    rows = conn.execute("SELECT orders, buyers, paying_buyers, revenue_krw FROM shop").fetchall()
    assert rows == [(10, 10, None, None)]
    assert all(v.passed for v in verify_mart(conn, SHOPPING, K, "shop", LABELS))
