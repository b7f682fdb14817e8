"""Shape accepted raw rows into the warehouse's person-level tables.

Identifiers become pseudonyms (joined from a (value, pseudonym) relation), quasi-identifiers are
generalized, everything else the contract calls an identifier is dropped here and never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from transforms.contract import TableSpec
from transforms.marts.vocabulary import Vocabulary, label_sql
from transforms.person.eligibility import Purpose, PurposeRule, eligibility_columns
from transforms.person.generalize import (
    device_class,
    generalize_birth_date,
    generalize_timestamp,
    is_under,
    strip_url,
)
from transforms.sql import ident, text

COOKIE_LINKS = "cookie_links"  # warehouse table: member and cookie pseudonyms seen together
TARGETING_LISTS = "targeting_lists"  # warehouse table: consenting members per ad segment
KNOWN_MEMBER_TOKENS = "known_member_tokens"  # warehouse table: keyed digests of identifiers


@dataclass(frozen=True)
class FreeText:
    """A warehouse column of free text, stored only scrubbed. A URL keeps being a URL, but is
    scanned percent-decoded: browsers encode Hangul names and '@' in paths."""

    url: bool = False


FREE_TEXT = {
    "visits": {"url_path": FreeText(url=True), "referrer": FreeText(url=True)},
    "survey_responses": {"comment": FreeText()},
}
ADULT_AGE = 14  # under this, a member counts only with guardian consent (policy section 8)


@dataclass(frozen=True)
class Generalization:
    age_band_widths: tuple[int, ...] = (10, 5)
    referrer_keep: str = "path"
    # raw labels outside the vocabulary are stored as 'Other …' (D12); none by default
    vocabulary: Vocabulary = field(default_factory=Vocabulary)


def keep_newest_per_member_sql(source: str) -> str:
    """The newest row of each member wins; ties go to the later file and row."""
    order = f"TRY_CAST({text('updated_at')} AS TIMESTAMP) DESC, _source_file DESC, _source_row DESC"
    return (
        f"SELECT * FROM {source} "  # noqa: S608
        f"QUALIFY row_number() OVER (PARTITION BY {text('member_id')} ORDER BY {order}) = 1"
    )


def _bool(column: str) -> str:
    return f"TRY_CAST({text(column)} AS BOOLEAN)"


def band_column(width: int) -> str:
    """The members column holding age bands of `width` years."""
    return "age_band" if width == 10 else f"age_band_{width}y"


def members_sql(
    source: str,
    pseudonyms: str,
    run_date: dt.date,
    generalization: Generalization,
    rules: dict[Purpose, PurposeRule],
    extras: list[str],
) -> str:
    bands = [
        f"{generalize_birth_date('birth_date', run_date, w)} AS {band_column(w)}"
        for w in generalization.age_band_widths
    ]
    shaped = ", ".join(
        [
            "p.pseudonym AS member_pseudonym",
            *bands,
            f"{is_under('birth_date', run_date, ADULT_AGE)} AS is_under_14",
            f"{text('gender')} AS gender",
            f"{text('region')} AS region",
            f"CAST(TRY_CAST({text('signup_at')} AS TIMESTAMP) AS DATE) AS signup_date",
            *(
                f"{_bool(c)} AS {c}"
                for c in ("consent_ads", "opt_out_research", "guardian_consent")
            ),
            "FALSE AS is_deleted",  # erased members never reach this table
            *(ident(c) for c in extras),  # a safe extra column is named by the raw file
        ]
    )
    inner = f"SELECT {shaped} FROM {source} s JOIN {pseudonyms} p ON p.value = {text('member_id')}"  # noqa: S608
    return f"SELECT *, {', '.join(eligibility_columns(rules))} FROM ({inner})"  # noqa: S608


def _label(column: str, g: Generalization) -> str:
    return f"{label_sql(column, text, g.vocabulary)} AS {column}"


def _event_columns(spec: TableSpec, g: Generalization) -> list[str]:
    by_table = {
        "visits": [
            f"{text('section')} AS section",
            f"{strip_url('url', 'path')} AS url_path",
            f"{strip_url('referrer', g.referrer_keep)} AS referrer",
            f"{device_class('user_agent')} AS device_class",
        ],
        "orders": [
            _label("category", g),
            f"TRY_CAST({text('amount_krw')} AS BIGINT) AS amount_krw",
        ],
        "survey_responses": [
            _label("survey_id", g),
            _label("choice", g),
            f"{text('comment')} IS NOT NULL AS has_comment",
            f"{text('comment')} AS comment",  # scrubbed before it is stored (FREE_TEXT)
        ],
        "ad_events": [
            _label("campaign_id", g),
            f"{text('kind')} AS kind",
        ],
    }
    return by_table[spec.name]


def events_sql(
    spec: TableSpec, source: str, pseudonyms: str, g: Generalization, extras: list[str]
) -> str:
    """Event rows with event_date, member (and cookie) pseudonyms and generalized attributes;
    a category, campaign, survey or choice only as a label of the vocabulary (D12)."""
    cols = [
        f"{generalize_timestamp(spec.time_column)} AS event_date",
        "m.pseudonym AS member_pseudonym",
    ]
    joins = f"LEFT JOIN {pseudonyms} m ON m.value = {text('member_id')}"
    if spec.cookie_column:
        cols.append("c.pseudonym AS cookie_pseudonym")
        joins += f" LEFT JOIN {pseudonyms} c ON c.value = {text(spec.cookie_column)}"
    cols += _event_columns(spec, g) + [ident(c) for c in extras]
    return f"SELECT {', '.join(cols)} FROM {source} s {joins}"  # noqa: S608


def raw_cookie_links_sql(event_rows: str, cookie_column: str) -> str:
    """(member_id, cookie_id) of every raw row holding both, valid or not: a row rejected for
    another reason still shows whose cookie it is."""
    member, cookie = text("member_id"), text(cookie_column)
    return (
        f"SELECT DISTINCT {member} AS member_id, {cookie} AS cookie_id FROM {event_rows} "  # noqa: S608
        f"WHERE {member} IS NOT NULL AND {cookie} IS NOT NULL"
    )


def cookie_links_sql(raw_links: str, pseudonyms: str, stored: list[str]) -> str:
    """The warehouse's cookie_links: raw pairs as pseudonyms, plus the pairs the `stored`
    warehouse tables already hold (their raw rows may have been removed since)."""
    parts = [
        "SELECT m.pseudonym AS member_pseudonym, c.pseudonym AS cookie_pseudonym "  # noqa: S608
        f"FROM {raw_links} l JOIN {pseudonyms} m ON m.value = l.member_id "
        f"JOIN {pseudonyms} c ON c.value = l.cookie_id"
    ]
    parts += [
        f"SELECT member_pseudonym, cookie_pseudonym FROM {t} "  # noqa: S608
        "WHERE member_pseudonym IS NOT NULL AND cookie_pseudonym IS NOT NULL"
        for t in stored
    ]
    return " UNION ".join(parts)
