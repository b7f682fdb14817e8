"""Identifiers where none may be (P2): raw identifiers in the warehouse, identifier-named columns
in what leaves. Pure predicates, each shown failing in a test."""

from __future__ import annotations

from transforms.sql import ident, literal

# Separators that split a URL or free text into tokens an identifier could hide in.
TOKEN_SEPARATORS = r"[/?&=#;,:\s]+"  # noqa: S105 (a regex, not a password)


def identifier_hits_sql(identifiers: str, table: str, column: str) -> str:
    """Count values (and URL-ish tokens of values) of `table.column` equal to a raw identifier.

    `identifiers` has one column `value`, holding each raw identifier lower-cased, and for phone
    numbers also their digits alone.
    """
    t, c = ident(table), ident(column)  # an extra raw column classified safe is named by data
    tokens = (
        f"SELECT lower(unnest(string_split_regex(CAST({c} AS VARCHAR), "  # noqa: S608
        f"{literal(TOKEN_SEPARATORS)}))) AS token FROM {t} WHERE {c} IS NOT NULL "
        f"UNION ALL SELECT lower(CAST({c} AS VARCHAR)) FROM {t} WHERE {c} IS NOT NULL"
    )
    return (
        f"SELECT count(*) FROM (SELECT DISTINCT token FROM ({tokens})) t "  # noqa: S608
        f"WHERE token IN (SELECT value FROM {identifiers}) "
        f"OR (length(regexp_replace(token, '[^0-9]', '', 'g')) >= 9 AND "
        f"regexp_replace(token, '[^0-9]', '', 'g') IN (SELECT value FROM {identifiers}))"
    )


def raw_identifiers_sql(members: str, cookie_sources: list[tuple[str, str]]) -> str:
    """Every raw identifier value the warehouse must not hold, normalized for matching.

    `cookie_sources` are (relation, column) pairs of raw cookie ids and IPs.
    """
    member_cols = ("member_id", "email", "nickname", "mobile_phone", "real_name")
    parts = [
        f"SELECT lower(trim(CAST({c} AS VARCHAR))) AS value FROM {members}"  # noqa: S608
        for c in member_cols
    ]
    parts.append(
        f"SELECT regexp_replace(CAST(mobile_phone AS VARCHAR), '[^0-9]', '', 'g') FROM {members}"  # noqa: S608
    )
    parts += [f"SELECT lower(trim(CAST({c} AS VARCHAR))) FROM {rel}" for rel, c in cookie_sources]  # noqa: S608
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
