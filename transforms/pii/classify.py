"""Suggest what an unnamed raw column is, from its name and a sample of its values, with the
evidence (counts only, never a value): identifier, quasi-identifier or safe."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.gate.identifiers import identifier_named_columns
from transforms.ingest.sources import Classification
from transforms.pii.scanner import TextScanner

UNIQUE_SHARE = 0.9  # distinct / non-null: a column this unique singles people out
QUASI_SHARE = 0.2  # distinct / non-null: enough detail to narrow people down
MIN_FOR_SHARES = 20  # fewer non-null values say nothing about uniqueness
QUASI_WORDS = frozenset(
    {"age", "birth", "zip", "postal", "postcode", "city", "district", "address", "gender",
     "sex", "region", "job", "occupation", "school", "company", "employer", "height", "weight"}
)  # fmt: skip
QUASI_ENTITIES = frozenset({"DATE_TIME", "URL"})


@dataclass(frozen=True)
class ColumnReport:
    column: str
    suggestion: Classification
    evidence: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.column}: looks like {self.suggestion.value} ({'; '.join(self.evidence)})"


def classify_column(name: str, sample: Sequence[str | None], scanner: TextScanner) -> ColumnReport:
    values = [v for v in sample if v is not None and v.strip()]
    distinct = len(set(values))
    found = scanner.scan(values)
    holding = Counter(e for spans in found for e in {s.entity for s in spans})
    direct = {e: n for e, n in holding.items() if e not in QUASI_ENTITIES}
    evidence = [f"{len(values)} non-empty of {len(sample)} sampled, {distinct} distinct"]
    evidence += [f"{n} hold {e}" for e, n in sorted(holding.items())]
    enough = len(values) >= MIN_FOR_SHARES
    if identifier_named_columns([name]):
        evidence.append("its name says identifier")
        return ColumnReport(name, Classification.IDENTIFIER, tuple(evidence))
    if direct:  # one sampled email or RRN is one too many for a column stored as text
        return ColumnReport(name, Classification.IDENTIFIER, tuple(evidence))
    if values and holding["DATE_TIME"] * 2 >= len(values):
        evidence.append("most values are dates")
        return ColumnReport(name, Classification.QUASI_IDENTIFIER, tuple(evidence))
    if enough and distinct >= UNIQUE_SHARE * len(values):
        evidence.append("nearly every value is unique")
        return ColumnReport(name, Classification.IDENTIFIER, tuple(evidence))
    quasi_name = set(name.lower().split("_")) & QUASI_WORDS
    if (
        quasi_name
        or holding.keys() & QUASI_ENTITIES
        or (enough and distinct >= QUASI_SHARE * len(values))
    ):
        if quasi_name:
            evidence.append("its name says quasi-identifier")
        return ColumnReport(name, Classification.QUASI_IDENTIFIER, tuple(evidence))
    return ColumnReport(name, Classification.SAFE, tuple(evidence))
