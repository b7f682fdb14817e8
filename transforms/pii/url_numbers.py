"""A URL's own numbering is no identifier: `/news/articleView/20261203004512` names an article.

URL paths and referrers are scanned for identifiers percent-decoded (CONTRACT.md, P2), and a
bare number in them (a run of digits with no letter touching it and no other run of digits one
or two characters away, so not `u1234`, `010-1234-5678` or `10.0.0.1`) is masked before
the scanner sees it, unless it could be an identifier on its own: a Korean phone number by
phonenumbers' own patterns (with 0, 82 or an international prefix), any number dialled
abroad (00...), a number after '+', a card number by Presidio's card prefixes (13 to 19
digits) or a resident registration number (13 digits). Presidio's weak digit patterns (a US
bank account is any 8 to 17 digits) would otherwise name every article id, at the cost of a
scan per article (docs/decisions.md, D15). The masked text keeps the length of the decoded one,
so spans found in it hold in the decoded text; distinct masked texts are few.
"""

from __future__ import annotations

import phonenumbers

from transforms.sql import literal

EMPTY = "''"
MASK = "~"  # no recognizer's pattern holds it, and it is no URL separator
_TYPES = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
          "voip", "pager", "uan", "voicemail")  # fmt: skip


def korean_phone_pattern() -> str:
    """An RE2 pattern matching every digit string phonenumbers could read as a valid Korean
    number (national, 82..., or after Korea's international prefix), from its metadata."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region("KR")
    if meta is None:
        raise ValueError("phonenumbers has no metadata for KR")
    bodies = [d.national_number_pattern for t in _TYPES if (d := getattr(meta, t)) is not None]
    body = "(?:" + "|".join(p for p in bodies if p) + ")"
    prefixes = [str(meta.country_code), meta.national_prefix_for_parsing or "0"]
    if meta.international_prefix:
        prefixes.append(f"(?:{meta.international_prefix}){meta.country_code}")
    return "(?:" + "|".join(f"(?:{p})" for p in prefixes) + f")?{body}"


KOREAN_PHONE = korean_phone_pattern()
CARD_PREFIX = "(?:4|5[0-5]|6|1|3)"  # Presidio's CreditCardRecognizer pattern, digits only
CARD_START = literal("^" + CARD_PREFIX)


def could_identify_sql(run: str, before: str) -> str:
    """SQL: a bare digit run `run` (preceded by text `before`) may be an identifier alone."""
    return (
        f"(regexp_full_match({run}, {literal(KOREAN_PHONE)}) OR starts_with({run}, '00') "
        f"OR regexp_matches({before}, '[+ ]$') OR length({run}) = 13 "
        f"OR (length({run}) BETWEEN 13 AND 19 AND regexp_matches({run}, {CARD_START})))"
    )


def _bare_sql(parts: str) -> str:
    """SQL over lambda x, i of `parts` (alternating digit and non-digit runs): x is bare."""
    prev, nxt = f"{parts}[i - 1]", f"{parts}[i + 1]"
    # a letter touching it, or another digit run at most two characters away: not bare
    return (
        "regexp_full_match(x, '[0-9]+') "
        rf"AND (i = 1 OR NOT (regexp_matches({prev}, '[\pL\pM]$') "
        f"OR (i > 2 AND length({prev}) <= 2))) "
        rf"AND (i = len({parts}) OR NOT (regexp_matches({nxt}, '^[\pL\pM]') "
        f"OR (i + 1 < len({parts}) AND length({nxt}) <= 2))) "
        f"AND NOT {could_identify_sql('x', f'COALESCE({prev}, {EMPTY})')}"
    )


def decoded_sql(url: str) -> str:
    """SQL: `url` percent-decoded as urllib's unquote_plus does; NULL when the bytes decoded are
    no UTF-8 (Python decodes those with replacement characters: scanned in full there)."""
    return (
        f"CASE WHEN NOT regexp_matches({url}, '[%+]') THEN {url} "
        f"ELSE TRY(url_decode(replace({url}, '+', ' '))) END"
    )


def masked_sql(decoded: str) -> str:
    """SQL: `decoded` with each bare number that cannot identify anyone replaced by MASK, one
    per digit (same length)."""
    parts = f"regexp_extract_all({decoded}, '[0-9]+|[^0-9]+')"
    return (
        f"(SELECT array_to_string(list_transform(p, lambda x, i: CASE WHEN {_bare_sql('p')} "  # noqa: S608
        f"THEN repeat({literal(MASK)}, length(x)) ELSE x END), '') FROM (SELECT {parts} AS p))"
    )
