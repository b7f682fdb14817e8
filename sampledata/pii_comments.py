"""Labelled survey comments: each comment's text and the spans `(start, end, entity_type)` of
the identifiers in it. Names, nicknames, most emails and most mobiles are the members'."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sampledata import pii_values as values
from sampledata.pii_harmless import COMMON, composed, with_numbers
from sampledata.pii_members import Member, email_form, name_form, stranger_email
from sampledata.pii_templates import EN, ENTITY_TYPES, KO, MULTI, TEMPLATES
from sampledata.pii_values import Rng, pick

FIELD = re.compile(r"\{([A-Z_]+)\}")
GoldSpan = tuple[int, int, str]
MAKERS = {"KR_RRN": values.rrn, "KR_FRN": values.frn, "KR_PASSPORT": values.passport,
          "KR_DRIVER_LICENSE": values.driver_license, "KR_BRN": values.brn,
          "CREDIT_CARD": values.credit_card, "IP_ADDRESS": values.ip_address}  # fmt: skip
# Identifier kinds in realistic traffic: mostly contact details and names.
STREAM_WEIGHTS = {"PERSON": 20, "NICKNAME": 15, "EMAIL_ADDRESS": 20, "PHONE_NUMBER": 25,
                  "KR_RRN": 5, "KR_FRN": 1, "KR_PASSPORT": 2, "KR_DRIVER_LICENSE": 2,
                  "KR_BRN": 2, "CREDIT_CARD": 4, "IP_ADDRESS": 4}  # fmt: skip


@dataclass(frozen=True)
class Comment:
    text: str
    spans: tuple[GoldSpan, ...] = ()


def value_of(rng: Rng, entity: str, member: Member) -> str:
    """A value of `entity` as typed; names, nicknames, most emails and mobiles are `member`'s."""
    if entity == "PERSON":
        return name_form(rng, member.real_name)
    if entity == "NICKNAME":
        return member.nickname
    if entity == "EMAIL_ADDRESS":
        return email_form(rng, member.email) if rng.random() < 0.85 else stranger_email(rng)
    if entity == "PHONE_NUMBER":
        stored = member.mobile_phone
        return values.phone_form(rng, stored) if rng.random() < 0.75 else values.landline(rng)
    return MAKERS[entity](rng)


def render(rng: Rng, template: str, member: Member) -> Comment:
    """`template` with each `{TYPE}` filled, and the spans of the values put in."""
    text, spans, last = "", [], 0
    for m in FIELD.finditer(template):
        text += template[last : m.start()]
        value = value_of(rng, m.group(1), member)
        spans.append((len(text), len(text) + len(value), m.group(1)))
        text += value
        last = m.end()
    return Comment(text + template[last:], tuple(spans))


def with_identifier(rng: Rng, members: list[Member], entity: str | None = None) -> Comment:
    """A comment quoting one identifier of type `entity` (any type when None), or now and
    then several; two in three are Korean."""
    lang = KO if rng.random() < 0.65 else EN
    member = members[int(rng.integers(0, len(members)))]
    if entity is None and rng.random() < 0.15:
        return render(rng, pick(rng, MULTI[lang]), member)
    return render(rng, pick(rng, TEMPLATES[entity or pick(rng, ENTITY_TYPES)][lang]), member)


def harmless(rng: Rng, numbers_share: float) -> Comment:
    lang = KO if rng.random() < 0.65 else EN
    if rng.random() < numbers_share:
        return Comment(with_numbers(rng, lang))
    return Comment(pick(rng, COMMON[lang]))


def labelled_comments(rng: Rng, n: int, members: list[Member]) -> list[Comment]:
    """The evaluation mix: about 78% quote an identifier (types equally likely), the rest are
    harmless, two in three of those with harmless numbers."""
    return [
        with_identifier(rng, members) if rng.random() < 0.78 else harmless(rng, 0.65)
        for _ in range(n)
    ]


def survey_comments(rng: Rng, n: int, members: list[Member]) -> list[Comment]:
    """Realistic traffic: about 10% quote an identifier (mostly contact details and names),
    33% are composed and mostly distinct, the rest are phrases many readers repeat. A million
    comments: median 23-24 characters, about 42% distinct."""
    kinds = np.array(list(STREAM_WEIGHTS))
    weights = np.array(list(STREAM_WEIGHTS.values()), dtype=float)
    entity = kinds[rng.choice(len(kinds), n, p=weights / weights.sum())]
    u = rng.random(n)
    out = []
    for i in range(n):
        if u[i] < 0.10:
            out.append(with_identifier(rng, members, str(entity[i])))
        elif u[i] < 0.43:
            out.append(Comment(composed(rng)))
        else:
            out.append(harmless(rng, 0.0))
    return out
