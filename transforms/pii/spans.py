"""Entity spans found in a text, merged where they overlap, and replaced by their type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    entity: str
    score: float


# Our members are Korean: a Korean ID type outranks a foreign one (a US passport, say) that
# matched the same characters with a score up to this much higher.
KOREAN_PREFERENCE = 0.1


def _rank(s: Span) -> tuple[float, int]:
    return s.score + (KOREAN_PREFERENCE if s.entity.startswith("KR_") else 0.0), s.end - s.start


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans become one, covering all of them, named by its best-ranked part: a
    scrubbed text keeps no fragment of an identifier two recognizers half-matched."""
    merged: list[Span] = []
    for s in sorted(spans):
        if merged and s.start < merged[-1].end:
            last = merged[-1]
            best = last if _rank(last) >= _rank(s) else s
            merged[-1] = Span(last.start, max(last.end, s.end), best.entity, best.score)
        else:
            merged.append(s)
    return merged


def replace_entities(text: str, spans: list[Span]) -> str:
    """`text` with each (merged) span replaced by `<ENTITY>`."""
    out, last = [], 0
    for s in spans:
        out += [text[last : s.start], f"<{s.entity}>"]
        last = s.end
    out.append(text[last:])
    return "".join(out)


def entity_counts(found: Iterable[list[Span]]) -> Counter[str]:
    return Counter(s.entity for spans in found for s in spans)
