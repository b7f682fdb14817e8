"""Small SQL helpers shared by the builders. Identifiers come from the contract, never from data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def text(column: str) -> str:
    """The raw value as trimmed text, NULL when empty: every rule reads values through this."""
    return f"NULLIF(TRIM(CAST({column} AS VARCHAR)), '')"


def literal(value: str | dt.date | dt.datetime) -> str:
    """A SQL literal for a value the pipeline itself produced (dates, enum members)."""
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + value.replace("'", "''") + "'"


def in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"
