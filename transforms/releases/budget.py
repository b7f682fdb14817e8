"""The privacy budget (P5): the one accountant. How a release's epsilon is split across its
queries, which month it is charged to, and the refusal when the month would be overspent.

Callers ask this module; they do not re-derive a share or a sum (as OpenDP's `Context` owns
its budget). The ledger (runtime/releases/ledger.py) only stores what was spent and answered;
a question answered before costs nothing and is never drawn again (docs/decisions.md, D10).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

EPSILON_SLACK = 1e-9  # float sums of equal shares


class BudgetExceededError(RuntimeError):
    """A release would overspend its consumer's month: nothing is written or charged."""


def epsilon_per_query(release_epsilon: float, queries: int) -> float:
    """A release's epsilon split equally across its distinct queries (D10)."""
    if queries < 1 or release_epsilon <= 0:
        raise ValueError(f"need a positive epsilon and queries, got {release_epsilon}, {queries}")
    return release_epsilon / queries


def budget_month(created_at: dt.datetime) -> str:
    """The month a release is charged to: the month it is drawn in (YYYY-MM)."""
    return f"{created_at:%Y-%m}"


@dataclass(frozen=True)
class Budget:
    """One consumer's month: its cap, what was spent before, and what a release requests."""

    month: str
    monthly: float
    spent_before: float
    requested: float

    @classmethod
    def of_draws(cls, month: str, monthly: float, spent: float, costs: Iterable[float]) -> Budget:
        """The budget of a release whose fresh draws cost `costs` (stored answers cost 0)."""
        return cls(month, monthly, spent, math.fsum(costs))

    @property
    def left_after(self) -> float:
        return max(self.monthly - self.spent_before - self.requested, 0.0)

    @property
    def exceeded(self) -> bool:
        return self.spent_before + self.requested > self.monthly + EPSILON_SLACK

    def refuse_if_over(self, consumer: str) -> None:
        if self.exceeded:
            raise BudgetExceededError(
                f"release refused: consumer {consumer}, month {self.month}: spent epsilon "
                f"{self.spent_before:g} of the monthly {self.monthly:g}, this release requests "
                f"{self.requested:g}; nothing was written or charged"
            )

    def as_manifest(self) -> dict[str, float | str]:
        return {
            "month": self.month,
            "monthly": self.monthly,
            "spent_before": self.spent_before,
            "requested": self.requested,
            "left_after": self.left_after,
        }
