from __future__ import annotations

import datetime as dt

import pytest

from tests.transforms.conftest import one
from transforms.person.generalize import (
    age_on,
    device_class,
    generalize_birth_date,
    generalize_timestamp,
    is_under,
    strip_url,
)

RUN = dt.date(2026, 11, 25)


def value(conn, expr: str, **cols: str | None):
    names = list(cols) or ["dummy"]
    vals = [cols[n] if cols else "x" for n in names]
    row = ", ".join("NULL" if v is None else f"'{v}'" for v in vals)
    return one(conn, f"SELECT {expr} FROM (VALUES ({row})) t({', '.join(names)})")


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        ("2006-11-25", 20),  # birthday on the run date counts
        ("2006-11-26", 19),  # tomorrow it would be 20
        ("2012-11-25", 14),
        ("2012-11-26", 13),
        ("2000-02-29", 26),
        ("1926-11-24", 100),
    ],
)
def test_age_on_run_date(conn, birth, age) -> None:
    assert value(conn, age_on("b", RUN), b=birth) == age


@pytest.mark.parametrize(
    ("birth", "width", "band"),
    [
        ("2006-11-25", 10, "20s"),
        ("2006-11-26", 10, "10s"),
        ("1997-11-26", 10, "20s"),  # 28
        ("1996-11-25", 10, "30s"),  # 30 on the run date
        ("1996-11-26", 10, "20s"),  # 29
        ("2001-11-25", 5, "25-29"),
        ("2001-11-26", 5, "20-24"),
        ("2018-01-01", 10, "0s"),
    ],
)
def test_age_bands_at_edges(conn, birth, width, band) -> None:
    assert value(conn, generalize_birth_date("b", RUN, width), b=birth) == band


@pytest.mark.parametrize(
    ("birth", "under"), [("2012-11-25", False), ("2012-11-26", True), (None, None)]
)
def test_under_14_boundary(conn, birth, under) -> None:
    assert value(conn, is_under("b", RUN, 14), b=birth) is under


def test_timestamp_becomes_date(conn) -> None:
    assert value(conn, generalize_timestamp("ts"), ts="2026-11-20 23:59:59") == dt.date(
        2026, 11, 20
    )


@pytest.mark.parametrize(
    ("url", "keep", "out"),
    [
        ("https://x.example/a/b?email=kim@naver.com&x=1#top", "path", "https://x.example/a/b"),
        ("https://x.example/a#frag", "path", "https://x.example/a"),
        ("https://search.naver.com/search.naver?query=김민준", "host", "https://search.naver.com"),
        ("https://x.example", "path", "https://x.example"),
        (None, "path", None),
        ("", "host", None),
    ],
)
def test_strip_url(conn, url, keep, out) -> None:
    assert value(conn, strip_url("u", keep), u=url) == out


@pytest.mark.parametrize(
    ("ua", "cls"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "mobile"),
        ("Mozilla/5.0 (Linux; Android 14; SM-S918N) Chrome/120 Mobile Safari/537.36", "mobile"),
        ("Mozilla/5.0 (Linux; Android 13; SM-X700) Chrome/120 Safari/537.36", "tablet"),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)", "tablet"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120", "desktop"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1)", "bot"),
        ("Yeti/1.1 (NHN Corp.; naver crawler)", "bot"),
        (None, "unknown"),
    ],
)
def test_device_class(conn, ua, cls) -> None:
    assert value(conn, device_class("ua"), ua=ua) == cls
