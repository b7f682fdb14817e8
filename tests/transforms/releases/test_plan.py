"""Thresholding at the boundary, the epsilon split, contribution bounding, normalized questions."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from transforms.person.eligibility import Purpose
from transforms.releases.budget import epsilon_per_query
from transforms.releases.catalog import CampaignBounds, Domains, Period
from transforms.releases.plan import FileLayout, Part, partner_plan
from transforms.releases.queries import Dimension, Query, bounded_counts_sql
from transforms.releases.segments import Action, Behaviour, Segment, age_bands

K = 50
REGION = Dimension("region", ("Busan", "Jeju", "Seoul"))
DOMAINS = Domains(("books",), ("c1", "c2"), (10, 5))
PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 24))


def test_a_count_below_k_is_left_out_and_k_itself_is_shown() -> None:
    layout = FileLayout(
        "t.csv", ("region", "readers", "visits"), ("readers", "visits"),
        (Part((), (REGION,), "q_readers", (("readers", "q_readers"), ("visits", "q_visits"))),),
    )  # fmt: skip
    answers = {
        "q_readers": {"Busan": K - 1, "Jeju": K, "Seoul": K + 1},
        "q_visits": {"Busan": 500, "Jeju": K - 1, "Seoul": 900},
    }
    rows, left_out = layout.rows(answers, K)
    assert rows == [("Jeju", K, None), ("Seoul", K + 1, 900)]
    assert left_out == 1


def test_epsilon_is_split_equally_and_a_segment_named_twice_is_one_query() -> None:
    women = Segment("women_20s", genders=("F",), age=(20, 29))
    same = Segment("ladies", genders=("F", "F"), age=(20, 29))
    plan = partner_plan("p", (women, same), PERIOD, DOMAINS, CampaignBounds(10, 2))
    assert len(plan.queries) == 4  # audience, impressions, clicks, reach: once for both names
    assert epsilon_per_query(2.0, len(plan.queries)) == 0.5
    again = partner_plan("p", (same,), PERIOD, DOMAINS, CampaignBounds(10, 2))
    assert again.question_key() == plan.question_key()
    other = partner_plan("other", (same,), PERIOD, DOMAINS, CampaignBounds(10, 2))
    assert other.question_key() != plan.question_key()  # each consumer its own answers


def test_normalized_question_ignores_order_duplicates_and_names() -> None:
    a = Segment("a", regions=("Seoul", "Busan"), behaviours=(
        Behaviour(Action.READ, "economy", 3, 30), Behaviour(Action.BOUGHT, "books")))  # fmt: skip
    b = Segment("b", regions=("Busan", "Seoul", "Seoul"), behaviours=(
        Behaviour(Action.BOUGHT, "books"), Behaviour(Action.READ, "economy", 3, 30)))  # fmt: skip
    c = Segment("c", regions=("Busan", "Seoul"), behaviours=(
        Behaviour(Action.READ, "economy", 4, 30),))  # fmt: skip
    assert a.question(Purpose.ADS) == b.question(Purpose.ADS) != c.question(Purpose.ADS)


def test_age_ranges_map_onto_the_configured_bands() -> None:
    assert age_bands(20, 29, (10, 5)).labels == ("20s",)
    assert age_bands(20, 24, (10, 5)).labels == ("20-24",)
    assert age_bands(20, 39, (10, 5)).labels == ("20s", "30s")
    with pytest.raises(ValueError, match="does not fall on the configured age bands"):
        age_bands(20, 27, (10, 5))


def test_each_member_adds_at_most_the_bound() -> None:
    conn = duckdb.connect()
    conn.execute(
        "CREATE TABLE c AS SELECT * FROM (VALUES ('m1', 'Busan'), ('m1', 'Jeju'), "
        "('m1', 'Seoul'), ('m1', 'Seoul'), ('m2', 'Seoul'), ('m3', 'Mars')) t(member_pseudonym, region)"
    )
    q = Query("readers", {}, (REGION,), "SELECT * FROM c", distinct=True, max_rows_per_member=2)
    rows = conn.execute(bounded_counts_sql(q)).fetchall()
    assert [cell for cell, _ in rows] == ["Busan", "Jeju", "Seoul"]  # the public domain, all of it
    assert sum(v for _, v in rows) == 2 + 1  # m1 cut to 2 cells, m2 one, Mars not in the domain
    assert q.sensitivity == 2
    events = Query(
        "visits", {}, (REGION,), "SELECT * FROM c", distinct=False, max_rows_per_member=3
    )
    assert sum(v for _, v in conn.execute(bounded_counts_sql(events)).fetchall()) == 3 + 1
