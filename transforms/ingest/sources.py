"""Shape raw files into one relation of contract columns, with file and row of origin.

A branch is one scan (all Parquet files of a table, or one CSV file). Each branch is filtered
to the run's time scope before the union, so a daily run scans only its day's row groups.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from transforms.contract import Role, TableSpec
from transforms.ingest.validation import ValidationWindow
from transforms.sql import ident, is_plain_name, literal


class Classification(StrEnum):
    IDENTIFIER = "identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SAFE = "safe"


class UnclassifiedColumnError(ValueError):
    """A raw column the contract does not name and the config does not classify."""


@dataclass(frozen=True)
class Branch:
    scan: str  # a DuckDB table expression, e.g. read_parquet([...], filename=true, ...)
    columns: tuple[str, ...]  # the columns as the files name them
    row_number: str  # SQL giving the 1-based row within its file
    label: str  # for error messages: the files behind the scan (never a value)
    physical: tuple[str, ...] = ()  # the scan's column for each of `columns` (default: same)
    source_file: str = "filename"  # SQL giving the raw file a row came from
    parse_error: str = "CAST(NULL AS VARCHAR)"  # SQL giving why the reader could not parse it

    def column_sql(self, name: str) -> str:
        """The scan's column holding raw column `name`, quoted: a name from a file is data."""
        return ident(self.physical[self.columns.index(name)] if self.physical else name)


@dataclass(frozen=True)
class TimeScope:
    """Rows whose time falls in [start, end), plus (with `unplaceable`) rows no partition can
    ever hold."""

    start: dt.datetime
    end: dt.datetime
    window: ValidationWindow
    unplaceable: bool = True

    def days(self) -> list[TimeScope]:
        """The scope one day at a time, so a step's memory follows a day, not the range; the
        rows no day can hold belong to the first."""
        first, days = self.start, max(1, -(-(self.end - self.start) // dt.timedelta(days=1)))
        bounds = [min(self.end, first + dt.timedelta(days=d)) for d in range(days + 1)]
        return [
            TimeScope(a, b, self.window, self.unplaceable and i == 0)
            for i, (a, b) in enumerate(itertools.pairwise(bounds))
        ]


def unnamed_columns(spec: TableSpec, columns: Iterable[str]) -> list[str]:
    """The columns the contract does not name, in order."""
    return [c for c in columns if c not in spec.column_names]


def refuse_unplain_names(spec: TableSpec, branch: Branch) -> None:
    """A column the contract does not name must have a plain name before anything reads it: the
    error names it by position only, since the name itself may be SQL or a person's data."""
    odd = [i + 1 for i, c in enumerate(branch.columns) if c not in spec.column_names]
    odd = [i for i in odd if not is_plain_name(branch.columns[i - 1])]
    if odd:
        raise UnclassifiedColumnError(
            f"{spec.name}: {branch.label}: column(s) {', '.join(map(str, odd))} (counting from 1) "
            "have names outside [A-Za-z][A-Za-z0-9_]* and are not shown; rename them in the "
            "export (the table stops until then)"
        )


def extra_columns(
    spec: TableSpec, branch: Branch, classification: dict[str, Classification]
) -> list[str]:
    """Extra columns classified safe; raises naming the file and column for unclassified ones."""
    refuse_unplain_names(spec, branch)
    extras = unnamed_columns(spec, branch.columns)
    unknown = [c for c in extras if c not in classification]
    if unknown:
        raise UnclassifiedColumnError(
            f"{spec.name}: column(s) {', '.join(unknown)} in {branch.label} are not in the "
            f"contract; classify them under unknown_columns.{spec.name} in the policy config "
            f"({', '.join(c.value for c in Classification)}) before this table can be read"
        )
    return [c for c in extras if classification[c] is Classification.SAFE]


def readable_columns(spec: TableSpec) -> list[str]:
    """The contract columns the pipeline reads: a secret column is never selected at all."""
    return [c.name for c in spec.columns if c.role is not Role.SECRET]


def _scope_condition(spec: TableSpec, branch: Branch, scope: TimeScope | None) -> str:
    if scope is None or not spec.partitioned or spec.time_column not in branch.columns:
        return "TRUE"
    # The bare column, not text(): on a typed Parquet column the cast folds away and DuckDB
    # skips row groups outside the scope by their statistics (measured: a 1-day scan of 14 days
    # reads about a tenth). Blank text fails the cast and so stays in scope, as unplaceable.
    t = f"TRY_CAST({branch.column_sql(spec.time_column)} AS TIMESTAMP)"
    w = scope.window
    in_scope = f"({t} >= {literal(scope.start)} AND {t} < {literal(scope.end)})"
    if not scope.unplaceable:
        return in_scope
    return f"({in_scope} OR {t} IS NULL OR {t} < {literal(w.earliest)} OR {t} > {literal(w.now)})"


def branch_sql(spec: TableSpec, branch: Branch, extras: list[str], scope: TimeScope | None) -> str:
    """One branch as text columns in contract order (missing ones NULL); secrets left unread."""
    present = set(branch.columns)
    cols = [
        f"CAST({branch.column_sql(c)} AS VARCHAR) AS {ident(c)}"
        if c in present
        else f"CAST(NULL AS VARCHAR) AS {ident(c)}"
        for c in (*readable_columns(spec), *extras)
    ]
    meta = (
        f"{branch.source_file} AS _source_file, {branch.row_number} AS _source_row, "
        f"{branch.parse_error} AS _parse_error"
    )
    where = _scope_condition(spec, branch, scope)
    return f"SELECT {', '.join(cols)}, {meta} FROM {branch.scan} WHERE {where}"  # noqa: S608


def raw_rows_sql(
    spec: TableSpec, branches: list[Branch], extras: list[str], scope: TimeScope | None
) -> str:
    if not branches:
        cols = ", ".join(
            f"CAST(NULL AS VARCHAR) AS {ident(c)}" for c in (*readable_columns(spec), *extras)
        )
        return (
            f"SELECT {cols}, CAST(NULL AS VARCHAR) AS _source_file, 0 AS _source_row, "
            "CAST(NULL AS VARCHAR) AS _parse_error LIMIT 0"
        )
    return " UNION ALL ".join(f"({branch_sql(spec, b, extras, scope)})" for b in branches)
