"""What an analyst mart is: its cells, its measures, and what an attacker could add up.

A mart is a GROUP BY over *contributions* (one row per event or member, with `unit`, the distinct
person or cookie it stands for). Every published number is backed by `support`, the count of
distinct units in its cell; `transforms/thresholding.py` enforces k on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # the published type: VARCHAR, DATE, BIGINT, DOUBLE
    comment: str


@dataclass(frozen=True)
class Measure(Column):
    sql: str = ""  # an aggregate over the contributions
    support: str | None = None  # a distinct-count measure that must reach k for this one to show


@dataclass(frozen=True)
class RollUp:
    """Cells below k of `dimension` merge, within their other dimensions, into one `label` cell."""

    dimension: str
    label: str


@dataclass(frozen=True)
class Margin:
    """Totals over `group` (all dimensions but one), published as rows of this mart with
    `row_label` in the remaining dimension. The cells they cover but that are withheld must stand
    for 0 or at least k units, or subtracting the published cells from the total would reveal
    them. No mart may publish a number that adds up to another mart's: the catalog keeps marts
    free of shared additive measures, so each mart's totals are all declared here."""

    group: tuple[str, ...]
    row_label: str


@dataclass(frozen=True)
class MartSpec:
    name: str
    comment: str
    contributions: str  # SQL over the warehouse: `unit`, every dimension, the measures' inputs
    dimensions: tuple[Column, ...]
    support: str  # the measure counting distinct units: the row's k-threshold
    measures: tuple[Measure, ...]
    rollup: RollUp | None = None
    margins: tuple[Margin, ...] = ()

    def __post_init__(self) -> None:
        dims = self.dimension_names
        names = [m.name for m in self.measures]
        if self.support not in names:
            raise ValueError(f"{self.name}: support {self.support!r} is not a measure")
        if any(m.support and m.support not in names for m in self.measures):
            raise ValueError(f"{self.name}: a measure's support is not a measure")
        if self.rollup and self.rollup.dimension not in dims:
            raise ValueError(f"{self.name}: roll-up dimension is not a dimension")
        for margin in self.margins:
            rest = [d for d in dims if d not in margin.group]
            if not set(margin.group) < set(dims) or len(rest) != 1:
                raise ValueError(f"{self.name}: margin {margin.group} does not fit the dimensions")
        if self.margins and any(m.support not in (None, self.support) for m in self.measures):
            raise ValueError(f"{self.name}: margins are checked on the row support only")

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    @property
    def support_sql(self) -> str:
        """The aggregate counting the people a row stands for."""
        return next(m.sql for m in self.measures if m.name == self.support)

    @property
    def columns(self) -> tuple[Column, ...]:
        return (*self.dimensions, *self.measures)

    def margin_dimension(self, margin: Margin) -> str:
        """The dimension a margin row carries its label in."""
        return next(d for d in self.dimension_names if d not in margin.group)
