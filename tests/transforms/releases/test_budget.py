"""The privacy budget (P5): the split, the month, and the refusal when a month is overspent."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.releases.budget import (
    EPSILON_SLACK,
    Budget,
    BudgetExceededError,
    budget_month,
    epsilon_per_query,
)


@pytest.mark.parametrize(
    ("monthly", "spent", "requested", "exceeded"),
    [
        (1.0, 0.0, 0.5, False),
        (1.0, 0.5, 0.5, False),  # exactly the cap
        (1.0, 0.0, 1.0, False),
        (1.0, 0.5, 0.6, True),
        (1.0, 1.0, 0.001, True),
        (1.0, 0.0, 1.0 + 10 * EPSILON_SLACK, True),  # beyond the slack
        (1.0, 0.0, 1.0 + EPSILON_SLACK / 2, False),  # within the slack
        (0.0, 0.0, 0.0, False),
    ],
)
def test_exceeded(monthly: float, spent: float, requested: float, exceeded: bool) -> None:
    assert Budget("2026-03", monthly, spent, requested).exceeded is exceeded


@pytest.mark.parametrize("n", [3, 6, 7, 10, 49])
def test_spending_the_cap_in_equal_shares_is_not_refused(n: int) -> None:
    """n x (1/n) in floats can sum just above 1; the slack keeps the cap reachable."""
    share = epsilon_per_query(1.0, n)
    spent = 0.0
    for _ in range(n - 1):
        spent += share  # release after release, as the ledger sums them
    budget = Budget.of_draws("2026-03", 1.0, spent, [share])
    assert not budget.exceeded
    budget.refuse_if_over("acme")  # does not raise


def test_of_draws_sums_the_costs_exactly() -> None:
    budget = Budget.of_draws("2026-03", 1.0, 0.0, [0.1] * 10)
    assert budget.requested == 1.0  # fsum, not 0.9999999999999999
    assert not budget.exceeded


def test_of_draws_without_fresh_draws_costs_nothing() -> None:
    """Stored answers cost 0: a month already spent still allows a release of them."""
    budget = Budget.of_draws("2026-03", 1.0, 1.0, [])
    assert budget.requested == 0.0
    assert not budget.exceeded


def test_refuse_if_over_names_consumer_and_month_only() -> None:
    budget = Budget("2026-03", 1.0, 0.75, 0.5)
    with pytest.raises(BudgetExceededError) as caught:
        budget.refuse_if_over("acme_media")
    message = str(caught.value)
    assert "acme_media" in message
    assert "2026-03" in message
    assert "nothing was written or charged" in message
    for other in ("@", "segment", "member", "u0000"):
        assert other not in message


def test_refuse_if_over_passes_within_budget() -> None:
    Budget("2026-03", 1.0, 0.25, 0.5).refuse_if_over("acme")  # does not raise


def test_budget_exceeded_is_a_runtime_error() -> None:
    assert issubclass(BudgetExceededError, RuntimeError)


@pytest.mark.parametrize(
    ("monthly", "spent", "requested", "left"),
    [
        (1.0, 0.0, 0.25, 0.75),
        (1.0, 0.5, 0.5, 0.0),
        (1.0, 0.75, 0.5, 0.0),  # overspent: never negative
        (1.0, 2.0, 0.0, 0.0),
        (2.0, 0.0, 0.0, 2.0),
    ],
)
def test_left_after_is_never_negative(
    monthly: float, spent: float, requested: float, left: float
) -> None:
    assert Budget("2026-03", monthly, spent, requested).left_after == pytest.approx(left)
    assert Budget("2026-03", monthly, spent, requested).left_after >= 0.0


@pytest.mark.parametrize(
    ("epsilon", "queries", "share"),
    [(1.0, 1, 1.0), (1.0, 4, 0.25), (0.3, 3, 0.1), (2.0, 8, 0.25)],
)
def test_epsilon_per_query_splits_equally(epsilon: float, queries: int, share: float) -> None:
    assert epsilon_per_query(epsilon, queries) == pytest.approx(share)


@pytest.mark.parametrize(("epsilon", "queries"), [(1.0, 0), (1.0, -1), (0.0, 3), (-0.5, 3)])
def test_epsilon_per_query_refuses_no_queries_or_no_epsilon(epsilon: float, queries: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        epsilon_per_query(epsilon, queries)


@pytest.mark.parametrize(
    ("created", "month"),
    [
        (dt.datetime(2026, 3, 1, 0, 0), "2026-03"),
        (dt.datetime(2026, 3, 31, 23, 59, 59), "2026-03"),
        (dt.datetime(2026, 12, 31, 23, 59), "2026-12"),
        (dt.datetime(2027, 1, 1, 0, 0), "2027-01"),
    ],
)
def test_budget_month_is_the_month_drawn_in(created: dt.datetime, month: str) -> None:
    assert budget_month(created) == month


def test_as_manifest_reports_every_figure() -> None:
    assert Budget("2026-03", 1.0, 0.25, 0.5).as_manifest() == {
        "month": "2026-03",
        "monthly": 1.0,
        "spent_before": 0.25,
        "requested": 0.5,
        "left_after": 0.25,
    }


def test_as_manifest_left_after_clamped_when_over() -> None:
    assert Budget("2026-03", 1.0, 0.75, 0.5).as_manifest()["left_after"] == 0.0
