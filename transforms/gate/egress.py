"""The egress gate (P2): nothing that leaves (a mart table, an outbox file) may hold an
identifier. Column names are checked against the identifier deny-list; every distinct string
value against digest and query-string shapes, Presidio's recognizers and the known-member
deny-list. A hit names the column and the kind of identifier, never the value."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from transforms.gate.identifiers import identifier_named_columns
from transforms.pii.scanner import TextScanner

# hex digests (md5 and longer), base64 of 16+ bytes (mixed case and digits, unlike a long
# snake_case campaign name): the shapes a hashed identifier takes
DIGEST_SHAPED = re.compile(
    r"^(?:[0-9a-fA-F]{24,}|(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9+/_-]{22,}={0,2})$"
)
URL_QUERY = re.compile(r"[?&][^\s=&?#]+=")
# A cut-down digest inside a value (a prefix of a pseudonym, 'm:' + a hash): hex letters and
# digits mixed, 16 or more.
HEX_RUN = re.compile(r"(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,}")
# A count or amount (no leading zero, at most 9 digits) is checked by k, not scanned: a long
# digit run or one with a leading zero (a phone, an ID number) is scanned like any text.
PLAIN_NUMBER = re.compile(r"^-?(?:0|[1-9]\d{0,8})(?:\.\d+)?$")
# In a numeric column only a checksummed identifier (an RRN, a card) counts: a sum of won can
# have the digits of a phone or a business number.
NUMBER_MIN_SCORE = 0.9
# Findings that are not identifiers in an aggregate: a date or a site's own address.
NOT_IDENTIFYING = frozenset({"DATE_TIME", "URL"})
IDENTIFIER_NAME = "IDENTIFIER_NAMED_COLUMN"
DIGEST = "DIGEST_SHAPED"
QUERY = "URL_QUERY_STRING"


@dataclass(frozen=True, order=True)
class GateHit:
    column: str  # "table.column" or "file.column"
    entity: str  # what was found: an entity type, or one of the shapes above
    values: int  # how many distinct values (0 for a column name)

    def __str__(self) -> str:
        where = "the name" if not self.values else f"{self.values} distinct value(s)"
        return f"{self.column}: {self.entity} ({where})"


def name_hits(prefix: str, columns: Iterable[str]) -> list[GateHit]:
    return [
        GateHit(f"{prefix}.{c}", IDENTIFIER_NAME, 0)
        for c in identifier_named_columns(list(columns))
    ]


def value_hits(
    columns: Mapping[str, Sequence[str]],
    scanner: TextScanner,
    shapes: bool = True,
    min_score: float = 0.0,
) -> list[GateHit]:
    """`columns`: 'where.column' -> its distinct non-null string values. `shapes`: also flag
    digest-shaped values and URL query strings; off for text that holds its own checksums, whose
    digest-shaped values are skipped here and checked against the warehouse by the caller).
    `min_score`: findings below it do not count (numbers: only checksummed identifiers)."""
    found: dict[tuple[str, str], set[str]] = {}
    texts = {v for values in columns.values() for v in values if not PLAIN_NUMBER.match(v)}
    spans = scanner.scan_distinct(sorted(texts), ignore=NOT_IDENTIFYING)
    for column, values in columns.items():
        for v in values:
            if PLAIN_NUMBER.match(v) or (not shapes and DIGEST_SHAPED.match(v)):
                continue
            kinds = {s.entity for s in spans.get(v, []) if s.score >= min_score}
            if shapes and (DIGEST_SHAPED.match(v) or HEX_RUN.search(v)):
                kinds.add(DIGEST)
            if shapes and URL_QUERY.search(v):
                kinds.add(QUERY)
            for kind in kinds:
                found.setdefault((column, kind), set()).add(v)
    return sorted(GateHit(c, k, len(vs)) for (c, k), vs in found.items())


def describe(hits: Sequence[GateHit], limit: int = 10) -> str:
    shown = "; ".join(str(h) for h in hits[:limit])
    more = f"; and {len(hits) - limit} more" if len(hits) > limit else ""
    return f"{len(hits)} identifier finding(s): {shown}{more}"
