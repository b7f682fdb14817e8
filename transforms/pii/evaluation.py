"""Precision and recall of entity spans found in texts against labelled (gold) spans.

The matching rule, per text, with spans as half-open character ranges `[start, end)`:
- two spans *overlap* when they share at least one character;
- a prediction is *correct* when it overlaps a gold span of its own type; precision of a type is
  correct predictions of that type / predictions of that type;
- a gold span is *found (typed)* when a prediction of its type overlaps it, *found (any type)*
  when any prediction overlaps it: for privacy an identifier scrubbed under the wrong name is
  still scrubbed, so both recalls are reported;
- a gold span is *fully covered* when every one of its characters lies inside some prediction
  (of any type): an overlap alone may leave part of a number in the text.
Predictions of a type that no gold span has (e.g. DATE_TIME) are scored too: they are all
false alarms, since the labels mark every identifier in the text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

EntitySpan = tuple[int, int, str]  # start, end, entity type
ALL = "all"


def overlaps(a: EntitySpan, b: EntitySpan) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def covered(span: EntitySpan, by: Sequence[EntitySpan]) -> bool:
    """Whether every character of `span` lies inside one of `by`."""
    reach = span[0]
    for start, end, _ in sorted(by):
        if start <= reach < end:
            reach = end
    return reach >= span[1]


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class TypeScore:
    support: int = 0  # gold spans
    found_typed: int = 0
    found_any: int = 0
    fully_covered: int = 0
    predicted: int = 0  # predicted spans
    correct: int = 0  # predictions overlapping a gold span of their type
    false_alarms: int = 0  # predictions overlapping no gold span at all

    @property
    def precision(self) -> float | None:
        return ratio(self.correct, self.predicted)

    @property
    def recall_typed(self) -> float | None:
        return ratio(self.found_typed, self.support)

    @property
    def recall_any(self) -> float | None:
        return ratio(self.found_any, self.support)

    @property
    def cover(self) -> float | None:
        return ratio(self.fully_covered, self.support)

    def __add__(self, other: TypeScore) -> TypeScore:
        fields = zip(self.counts(), other.counts(), strict=True)
        return TypeScore(*(a + b for a, b in fields))

    def counts(self) -> tuple[int, ...]:
        return (self.support, self.found_typed, self.found_any, self.fully_covered,
                self.predicted, self.correct, self.false_alarms)  # fmt: skip


def score_text(gold: Sequence[EntitySpan], predicted: Sequence[EntitySpan]) -> dict[str, TypeScore]:
    """The scores of one text, per entity type (gold or predicted)."""
    out: dict[str, TypeScore] = {}
    for g in gold:
        hits = [p for p in predicted if overlaps(g, p)]
        typed = any(p[2] == g[2] for p in hits)
        one = TypeScore(1, int(typed), int(bool(hits)), int(covered(g, hits)))
        out[g[2]] = out.get(g[2], TypeScore()) + one
    for p in predicted:
        hits = [g for g in gold if overlaps(g, p)]
        one = TypeScore(predicted=1, correct=int(any(g[2] == p[2] for g in hits)),
                        false_alarms=int(not hits))  # fmt: skip
        out[p[2]] = out.get(p[2], TypeScore()) + one
    return out


def score(
    gold: Sequence[Sequence[EntitySpan]], predicted: Sequence[Sequence[EntitySpan]]
) -> dict[str, TypeScore]:
    """Scores per entity type over many texts, and their sum under ALL ("all")."""
    totals: dict[str, TypeScore] = {}
    for g, p in zip(gold, predicted, strict=True):
        for entity, s in score_text(g, p).items():
            totals[entity] = totals.get(entity, TypeScore()) + s
    ordered = dict(sorted(totals.items(), key=lambda kv: (-kv[1].support, kv[0])))
    return {**ordered, ALL: sum(ordered.values(), TypeScore())}


def mislabels(
    gold: Sequence[Sequence[EntitySpan]], predicted: Sequence[Sequence[EntitySpan]]
) -> Counter[tuple[str, str]]:
    """(gold type, predicted type) of gold spans found only under other types."""
    out: Counter[tuple[str, str]] = Counter()
    for golds, preds in zip(gold, predicted, strict=True):
        for g in golds:
            types = {p[2] for p in preds if overlaps(g, p)}
            if types and g[2] not in types:
                out.update((g[2], t) for t in types)
    return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def markdown_table(scores: dict[str, TypeScore]) -> str:
    """One row per entity type: support, predictions, precision and recalls in percent."""
    lines = [
        "| entity | support | predicted | false alarms | precision | recall (typed) "
        "| recall (any type) | fully covered |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entity, s in scores.items():
        name = f"**{entity}**" if entity == ALL else entity
        lines.append(
            f"| {name} | {s.support} | {s.predicted} | {s.false_alarms} | {_pct(s.precision)} "
            f"| {_pct(s.recall_typed)} | {_pct(s.recall_any)} | {_pct(s.cover)} |"
        )
    return "\n".join(lines)
