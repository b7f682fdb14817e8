"""Small SQL helpers shared by the builders. A name that may come from data (a raw column, a
file) goes through `ident`; a value through `literal` or, better, a `?` parameter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

# What a raw column's name may look like to be passed on at all (CONTRACT.md, Bad input).
PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")


def is_plain_name(name: str) -> bool:
    return PLAIN_NAME.fullmatch(name) is not None


def ident(name: str) -> str:
    """A quoted identifier, as DuckDB quotes them: whatever `name` holds, it stays one name."""
    return '"' + name.replace('"', '""') + '"'


def text(column: str) -> str:
    """The raw value as trimmed text, NULL when empty: every rule reads values through this."""
    return f"NULLIF(TRIM(CAST({ident(column)} AS VARCHAR)), '')"


def literal(value: str | dt.date | dt.datetime) -> str:
    """A SQL literal for a value the pipeline itself produced (dates, enum members)."""
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + value.replace("'", "''") + "'"


def in_list(values: Iterable[str]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"
