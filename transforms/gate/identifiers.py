"""Identifiers where none may be (P2): raw identifiers in the warehouse, identifier-named columns
in what leaves. Pure predicates, each shown failing in a test."""

from __future__ import annotations

from transforms.sql import ident, literal

# Separators that split a URL or free text into tokens an identifier could hide in: the
# characters of the pattern [/?&=#;,:\s]+ (RE2's \s: tab, newline, form feed, return, space).
TOKEN_SEPARATORS = r"[/?&=#;,:\s]+"  # noqa: S105 (a regex, not a password)
_SEPARATOR_CHARS = "/?&=#;,:\t\n\f\r"


def tokens_sql(table: str, column: str) -> str:
    """Distinct tokens (and whole values) of `table.column`, lower-cased, as column `token`.
    Distinct values first (millions of rows share a few URL paths), split without a regex: each
    separator becomes a space, then a plain split (measured: several times faster)."""
    t, c = ident(table), ident(column)  # an extra raw column classified safe is named by data
    values = f"SELECT DISTINCT lower(CAST({c} AS VARCHAR)) AS v FROM {t} WHERE {c} IS NOT NULL"  # noqa: S608
    spaced = f"translate(v, {literal(_SEPARATOR_CHARS)}, {literal(' ' * len(_SEPARATOR_CHARS))})"
    return (
        f"SELECT token FROM (SELECT unnest(string_split({spaced}, ' ')) AS token FROM ({values})) "  # noqa: S608
        f"WHERE token <> '' UNION SELECT v FROM ({values})"
    )


def is_identifier_sql(token: str, identifiers: str) -> str:
    """`token` equals a raw identifier, or its digits alone (9 or more) a phone number's."""
    digits = f"regexp_replace({token}, '[^0-9]', '', 'g')"
    return (
        f"({token} IN (SELECT value FROM {identifiers}) "  # noqa: S608
        f"OR (length({digits}) >= 9 AND {digits} IN (SELECT value FROM {identifiers})))"
    )


def identifier_hits_sql(identifiers: str, table: str, column: str) -> str:
    """Count values (and URL-ish tokens of values) of `table.column` equal to a raw identifier.

    `identifiers` has one column `value`, holding each raw identifier lower-cased, and for phone
    numbers also their digits alone.
    """
    return (
        f"SELECT count(*) FROM ({tokens_sql(table, column)}) t "  # noqa: S608
        f"WHERE {is_identifier_sql('token', identifiers)}"
    )


def raw_identifiers_sql(
    members: str, cookie_sources: list[tuple[str, str]], within: str | None = None
) -> str:
    """Every raw identifier value the warehouse must not hold, normalized for matching.

    `cookie_sources` are (relation, column) pairs of raw cookie ids and IPs; with `within` (a
    table of `token`s), only those of them that are among its tokens (the millions of raw
    cookies are probed against the warehouse's tokens, not collected).
    """
    member_cols = ("member_id", "email", "nickname", "mobile_phone", "real_name")
    parts = [
        f"SELECT lower(trim(CAST({c} AS VARCHAR))) AS value FROM {members}"  # noqa: S608
        for c in member_cols
    ]
    parts.append(
        f"SELECT regexp_replace(CAST(mobile_phone AS VARCHAR), '[^0-9]', '', 'g') FROM {members}"  # noqa: S608
    )
    for rel, c in cookie_sources:
        value = f"lower(trim(CAST({c} AS VARCHAR)))"
        only = f" WHERE {value} IN (SELECT token FROM {within})" if within else ""  # noqa: S608
        parts.append(f"SELECT {value} FROM {rel}{only}")  # noqa: S608
    union = " UNION ".join(parts)
    return f"SELECT DISTINCT value FROM ({union}) WHERE value IS NOT NULL AND length(value) >= 2"  # noqa: S608


# Column names that say "identifier" (CONTRACT.md, P2): whole names, and words within names.
IDENTIFIER_NAMES = frozenset(
    {"member_id", "cookie_id", "order_id", "response_id", "event_id", "user_id", "ts", "url"}
)
IDENTIFIER_WORDS = frozenset(
    {"email", "mail", "phone", "mobile", "tel", "nickname", "name", "password", "hash", "ip",
     "agent", "birth", "birthday", "dob", "pseudonym", "cookie", "referrer", "comment", "address",
     "rrn", "ssn", "passport", "license", "card", "account", "uid"}
)  # fmt: skip


def identifier_named_columns(names: list[str]) -> list[str]:
    """The names in `names` that look like they hold an identifier."""
    return [
        n
        for n in names
        if n.lower() in IDENTIFIER_NAMES or set(n.lower().split("_")) & IDENTIFIER_WORDS
    ]
