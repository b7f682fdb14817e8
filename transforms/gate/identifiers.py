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


def _digits(text: str) -> str:
    # Runs of non-digits, not one character at a time: the same digits, half the time on a
    # site's URL tokens (measured: 6.0 -> 2.9 s for 3.3M distinct tokens).
    return f"regexp_replace({text}, '[^0-9]+', '', 'g')"


def hashed_tokens_sql(table: str, column: str) -> str:
    """`tokens_sql` as 64-bit hashes: `h` of each token, `dh` of its digits alone when there are
    9 or more. Equal texts hash alike, so a token with no hash among the identifiers' matches
    none of them; a hash that matches is confirmed on the text (a collision is not a hit). At a
    site's size the texts do not fit in memory twice over; their hashes do."""
    digits = _digits("token")
    return (
        f"SELECT DISTINCT hash(token) AS h, CASE WHEN length({digits}) >= 9 "  # noqa: S608
        f"THEN hash({digits}) END AS dh FROM ({tokens_sql(table, column)})"
    )


def is_hashed_identifier_sql(identifier_hashes: str) -> str:
    """Over `hashed_tokens_sql` rows: the token's hash, or its digits', is an identifier's."""
    within = f"(SELECT value FROM {identifier_hashes})"  # noqa: S608
    return f"(h IN {within} OR dh IN {within})"


def is_identifier_sql(token: str, identifiers: str) -> str:
    """`token` equals a raw identifier, or its digits alone (9 or more) a phone number's."""
    digits = _digits(token)
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


def _normal(column: str) -> str:
    return f"lower(trim(CAST({column} AS VARCHAR)))"


def _identifiers(union: str, hashed: bool) -> str:
    value = "hash(value)" if hashed else "value"
    return (
        f"SELECT DISTINCT {value} AS value FROM ({union}) "  # noqa: S608
        "WHERE value IS NOT NULL AND length(value) >= 2"
    )


def member_identifiers_sql(members: str, *, hashed: bool = False) -> str:
    """The raw members' ids, emails, nicknames, phones (and their digits alone) and names,
    normalized for matching; `hashed`: their hashes."""
    columns = ("member_id", "email", "nickname", "mobile_phone", "real_name")
    parts = [f"SELECT {_normal(c)} AS value FROM {members}" for c in columns]  # noqa: S608
    parts.append(f"SELECT {_digits('CAST(mobile_phone AS VARCHAR)')} FROM {members}")  # noqa: S608
    return _identifiers(" UNION ".join(parts), hashed)


def cookie_identifiers_sql(relation: str, column: str, within: str) -> str:
    """The hashes of a raw cookie or IP column's values that some warehouse token hashes alike
    (`within`: `hashed_tokens_sql` rows): millions of raw cookies probed, not collected."""
    value = _normal(column)
    return _identifiers(
        f"SELECT {value} AS value FROM {relation} WHERE hash({value}) IN (SELECT h FROM {within})",  # noqa: S608
        hashed=True,
    )


def raw_identifiers_sql(
    members: str, cookie_sources: list[tuple[str, str]], within: str | None = None
) -> str:
    """Every raw identifier value the warehouse must not hold, normalized for matching.

    `cookie_sources` are (relation, column) pairs of raw cookie ids and IPs; with `within` (a
    table of `token`s), only those of them that are among its tokens.
    """
    parts = [member_identifiers_sql(members)]
    for rel, c in cookie_sources:
        only = f" WHERE {_normal(c)} IN (SELECT token FROM {within})" if within else ""  # noqa: S608
        parts.append(f"SELECT {_normal(c)} AS value FROM {rel}{only}")  # noqa: S608
    return _identifiers(" UNION ".join(parts), hashed=False)


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
