"""What a mart's label columns may hold: the marts' own labels, contract values, and the
vocabulary's (D12). Every mart is checked against these before analysts see it."""

from __future__ import annotations

from transforms.contract import GENDERS, REGIONS, SECTIONS
from transforms.marts.vocabulary import OTHER, Vocabulary, label_sql
from transforms.person.generalize import band_label
from transforms.releases.segments import OLDEST_AGE
from transforms.sql import in_list

NONE, NO_CHOICE, UNKNOWN = "(none)", "(no choice)", "unknown"  # a dimension is never empty
OTHER_REGIONS, OTHER_AGES = "Other regions", "Other ages"  # roll-ups of the cells below k
AUDIENCES = ("members", "non-members", "all")
DECADES = tuple(band_label(lo, 10) for lo in range(0, OLDEST_AGE, 10))

FIXED_LABELS = {
    "audience": AUDIENCES,
    "section": (*SECTIONS, UNKNOWN),
    "age_band": (*DECADES, OTHER_AGES),
    "gender": (*GENDERS, UNKNOWN),
    "region": (*REGIONS, UNKNOWN, OTHER_REGIONS),
    "category": (NONE, OTHER["category"]),
    "campaign_id": (NONE, OTHER["campaign_id"]),
    "survey_id": (NONE, OTHER["survey_id"]),
    "choice": (NO_CHOICE, OTHER["choice"]),
}


def label_rules(vocabulary: Vocabulary) -> dict[str, str]:
    """Label column -> SQL true when its value may be published: one of its fixed labels, or a
    vocabulary value (a value the vocabulary maps to itself; a choice, under its survey)."""
    rules = {}
    for column, fixed in FIXED_LABELS.items():
        rule = f"{column} IN {in_list(fixed)}"
        if column in OTHER:
            rule += f" OR {column} = {label_sql(column, str, vocabulary)}"
        rules[column] = rule
    return rules
