"""Labels from a vocabulary (docs/decisions.md, D12): which raw values may become a label.

A shop category, ad campaign, survey or survey choice is written by whoever sends an order, an
ad event (a cookie, no login needed) or a form, and becomes a warehouse attribute, a mart label
and a release cell. Only a value of the policy's vocabulary keeps its name; any other is counted
under its dimension's 'Other …' label, spelled like the marts' roll-ups ('Other regions'). A
label is lowercase letters, digits and '_', so none can hold a spreadsheet formula or markup,
whatever the vocabulary says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from transforms.sql import in_list, literal

SAFE_LABEL = re.compile(r"[a-z0-9][a-z0-9_]{0,62}")
OTHER = {
    "category": "Other categories",
    "campaign_id": "Other campaigns",
    "survey_id": "Other surveys",
    "choice": "Other choices",
}


def is_safe_label(value: str) -> bool:
    return SAFE_LABEL.fullmatch(value) is not None


@dataclass(frozen=True)
class Vocabulary:
    """The values that keep their name. Empty: every value is 'Other …'."""

    categories: tuple[str, ...] = ()
    campaign_pattern: str | None = None  # a campaign id the ad server mints, e.g. c_[a-z0-9_]+
    surveys: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (survey id, its choices)

    def __post_init__(self) -> None:
        values = [*self.categories, *(s for s, _ in self.surveys)]
        values += [c for _, choices in self.surveys for c in choices]
        if not all(is_safe_label(v) for v in values):
            raise ValueError("a vocabulary label is lowercase letters, digits and '_'")
        if self.campaign_pattern is not None:
            re.compile(self.campaign_pattern)

    def is_campaign(self, value: str) -> bool:
        pattern = self.campaign_pattern
        return is_safe_label(value) and pattern is not None and bool(re.fullmatch(pattern, value))


def _one_of(value: str, allowed: Iterable[str]) -> str:
    listed = list(allowed)
    return f"{value} IN {in_list(listed)}" if listed else "FALSE"


def _known_sql(column: str, value: str, raw: Callable[[str], str], v: Vocabulary) -> str:
    if column == "category":
        return _one_of(value, v.categories)
    if column == "survey_id":
        return _one_of(value, (s for s, _ in v.surveys))
    if column == "choice":  # a choice is known only as an answer to its own survey
        survey = raw("survey_id")
        answers = [
            f"({survey} = {literal(s)} AND {_one_of(value, choices)})" for s, choices in v.surveys
        ]
        return " OR ".join(answers) or "FALSE"
    if column == "campaign_id" and v.campaign_pattern is not None:
        return (
            f"(regexp_full_match({value}, {literal(SAFE_LABEL.pattern)}) "
            f"AND regexp_full_match({value}, {literal(v.campaign_pattern)}))"
        )
    if column == "campaign_id":
        return "FALSE"
    raise ValueError(f"{column} is not a vocabulary column: one of {sorted(OTHER)}")


def label_sql(column: str, raw: Callable[[str], str], v: Vocabulary) -> str:
    """SQL giving `column` as a label: its value when the vocabulary knows it, the column's
    'Other …' label when not, NULL when empty. `raw(name)` is the SQL of a column's value."""
    value = raw(column)
    known = _known_sql(column, value, raw, v)
    other = literal(OTHER[column])
    return f"(CASE WHEN {value} IS NULL THEN NULL WHEN {known} THEN {value} ELSE {other} END)"
