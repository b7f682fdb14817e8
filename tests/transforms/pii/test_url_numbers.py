"""Bare numbers in URLs: masked unless they could identify someone alone, held to
phonenumbers' own verdicts on Korean numbers."""

from __future__ import annotations

import duckdb
import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.pii.url_numbers import MASK, could_identify_sql, decoded_sql, masked_sql

CONN = duckdb.connect()


def masked(url: str) -> str | None:
    return CONN.execute(
        f"SELECT {masked_sql(decoded_sql('v'))} FROM (SELECT ?::VARCHAR AS v)", [url]
    ).fetchall()[0][0]


def could_identify(run: str) -> bool:
    sql = could_identify_sql("r", "''")
    return bool(CONN.execute(f"SELECT {sql} FROM (SELECT ?::VARCHAR AS r)", [run]).fetchall()[0][0])


def test_article_and_page_numbers_are_masked_keeping_the_length() -> None:
    assert masked("/news/articleView/20261203004512") == "/news/articleView/" + MASK * 14
    assert masked("/story/budget-20261203004512?page=2") == f"/story/budget-{MASK * 14}?page={MASK}"


def test_numbers_that_could_identify_stay() -> None:
    for url in ("/my/01012345678", "/a/010-1234-5678", "/m/u10000042", "/ip/10.0.0.1",
                "/c/4111111111111111", "/r/9001011234567", "/n/00149170123456", "/k/김12345678",
                "/d/2026/11/02"):  # fmt: skip
        assert masked(url) == url


def test_percent_decoding_as_unquote_plus_and_no_guess_on_bad_bytes() -> None:
    assert masked("/s/%EA%B9%80+%EB%AF%BC") == "/s/김 민"
    assert masked("/bad/%FF") is None


def korean_number(s: str) -> bool:
    return any(
        m.start == 0 and m.end == len(s)
        for m in phonenumbers.PhoneNumberMatcher(s, "KR", leniency=phonenumbers.Leniency.VALID)
    )


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["010", "011", "02", "031", "051", "070", "080", "1", "82", "0"]),
    st.text("0123456789", min_size=3, max_size=12),
)
def test_every_korean_number_phonenumbers_reads_could_identify(prefix: str, rest: str) -> None:
    s = prefix + rest
    if korean_number(s):
        assert could_identify(s)


def test_known_korean_forms_could_identify() -> None:
    for s in ("01012345678", "0212345678", "0311234567", "821012345678", "15881234"):
        assert korean_number(s) and could_identify(s), s
    assert not could_identify("20261203004512")
