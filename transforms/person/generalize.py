"""Generalize quasi-identifiers: birth date to age band, time to date, URL to path, UA to device.

Each function returns a SQL expression over text columns, so the same rule runs on any engine.
"""

from __future__ import annotations

import datetime as dt

from transforms.sql import text


def age_on(birth_date: str, run_date: dt.date) -> str:
    """Whole years completed on the run date (a birthday on the run date counts)."""
    b = f"TRY_CAST({text(birth_date)} AS DATE)"
    return (
        f"({run_date.year} - year({b}) - CASE WHEN month({b}) > {run_date.month} OR "
        f"(month({b}) = {run_date.month} AND day({b}) > {run_date.day}) THEN 1 ELSE 0 END)"
    )


def band_label(low: int, width: int) -> str:
    """The label generalize_birth_date gives the band starting at `low`."""
    return f"{low}s" if width == 10 else f"{low}-{low + width - 1}"


def generalize_birth_date(birth_date: str, run_date: dt.date, width: int) -> str:
    """Age band label (see band_label): decades as '20s', other widths as '20-24'."""
    age = age_on(birth_date, run_date)
    low = f"(CAST(floor({age} / {width}) AS INTEGER) * {width})"
    if width == 10:
        return f"CAST({low} AS VARCHAR) || 's'"
    return f"CAST({low} AS VARCHAR) || '-' || CAST({low} + {width - 1} AS VARCHAR)"


def is_under(birth_date: str, run_date: dt.date, years: int) -> str:
    """NULL when the birth date is unknown: eligibility treats that as 'cannot prove old enough'."""
    return f"({age_on(birth_date, run_date)} < {years})"


def generalize_timestamp(ts: str) -> str:
    """Timestamp (UTC) to its date: the warehouse keeps no time of day."""
    return f"CAST(TRY_CAST({text(ts)} AS TIMESTAMP) AS DATE)"


def strip_url(url: str, keep: str = "path") -> str:
    """Drop query string and fragment ('path'), or everything after the host ('host')."""
    if keep == "host":
        return f"NULLIF(regexp_extract({text(url)}, '^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)', 1), '')"
    if keep == "path":
        return f"regexp_replace({text(url)}, '[?#].*$', '')"
    raise ValueError(f"url keep must be path or host, not {keep!r}")


def device_class(user_agent: str) -> str:
    """bot, tablet, mobile, desktop or unknown; the user agent itself never leaves ingest."""
    ua = f"lower({text(user_agent)})"
    return (
        f"CASE WHEN {ua} IS NULL THEN 'unknown' "
        f"WHEN regexp_matches({ua}, 'bot|crawl|spider|slurp|headless') THEN 'bot' "
        f"WHEN regexp_matches({ua}, 'ipad|tablet|kindle|silk') "
        f"OR (regexp_matches({ua}, 'android') AND NOT regexp_matches({ua}, 'mobile')) "
        "THEN 'tablet' "
        f"WHEN regexp_matches({ua}, 'mobi|iphone|ipod|android|windows phone') THEN 'mobile' "
        "ELSE 'desktop' END"
    )
