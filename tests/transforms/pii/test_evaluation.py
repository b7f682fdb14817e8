from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from sampledata.pii_corpus import load_corpus
from transforms.pii.evaluation import (
    ALL,
    TypeScore,
    covered,
    markdown_table,
    mislabels,
    score,
    score_text,
)
from transforms.pii.known_members import KnownMembers, deny_list, derive_key
from transforms.pii.scanner import ScanSettings, TextScanner

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "pii_corpus.jsonl"
# Floors per entity type, in percent: (precision, recall typed, recall any type), each about 3
# points below what TextScanner measured on the committed corpus (docs/pii-evaluation.md).
FLOORS = {
    "PERSON": (97, 97, 97),
    "EMAIL_ADDRESS": (97, 97, 97),
    "NICKNAME": (97, 97, 97),
    "PHONE_NUMBER": (91, 96, 97),
    "IP_ADDRESS": (97, 97, 97),
    "KR_PASSPORT": (97, 94, 97),
    "KR_BRN": (97, 97, 97),
    "CREDIT_CARD": (97, 97, 97),
    "KR_RRN": (97, 97, 97),
    "KR_FRN": (97, 97, 97),
    "KR_DRIVER_LICENSE": (97, 97, 97),
    ALL: (96, 97, 98),
}


Spans = list[list[tuple[int, int, str]]]


@pytest.fixture(scope="module")
def scanned() -> tuple[Spans, Spans]:
    """Gold and TextScanner's spans of each comment of the committed corpus."""
    corpus = load_corpus(CORPUS)
    key = derive_key(secrets.token_bytes(32))
    known = KnownMembers(key, deny_list(key, corpus.member_rows(), frozenset()))
    found = TextScanner(ScanSettings(), known).scan([c.text for c in corpus.comments])
    predicted = [[(s.start, s.end, s.entity) for s in spans] for spans in found]
    return [list(c.spans) for c in corpus.comments], predicted


def below_floor(scores: dict[str, TypeScore], entity: str) -> list[str]:
    s, floors = scores[entity], FLOORS[entity]
    measured = (s.precision, s.recall_typed, s.recall_any)
    names = ("precision", "recall typed", "recall any type")
    return [f"{entity} {n} {'none' if m is None else f'{100 * m:.1f}'} < {f}"
            for n, m, f in zip(names, measured, floors, strict=True)
            if m is None or 100 * m < f]  # fmt: skip


@pytest.mark.parametrize("entity", list(FLOORS))
def test_scanner_stays_above_its_floors(scanned, entity) -> None:
    scores = score(*scanned)
    assert scores[entity].support >= 150
    assert below_floor(scores, entity) == []


def test_floors_catch_a_recognizer_gone_missing(scanned) -> None:
    gold, predicted = scanned
    without = [[p for p in spans if p[2] != "KR_BRN"] for spans in predicted]
    assert below_floor(score(gold, without), "KR_BRN") == [
        "KR_BRN precision none < 97",
        "KR_BRN recall typed 0.0 < 97",
        "KR_BRN recall any type 0.0 < 97",
    ]


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        # exact match: one correct prediction, found typed and any, fully covered
        ([(0, 5, "A")], [(0, 5, "A")], {"A": TypeScore(1, 1, 1, 1, 1, 1, 0)}),
        # any shared character is an overlap; a partial overlap is not full cover
        ([(0, 5, "A")], [(4, 9, "A")], {"A": TypeScore(1, 1, 1, 0, 1, 1, 0)}),
        # touching is not overlapping: a miss and a false alarm
        ([(0, 5, "A")], [(5, 9, "A")], {"A": TypeScore(1, 0, 0, 0, 1, 0, 1)}),
        # found under another type: counts for any-type recall, not for either precision
        (
            [(0, 5, "A")],
            [(0, 5, "B")],
            {"A": TypeScore(1, 0, 1, 1), "B": TypeScore(predicted=1, correct=0)},
        ),
        # a type no gold span has: a false alarm of its own row
        ([], [(0, 3, "B")], {"B": TypeScore(predicted=1, false_alarms=1)}),
        # two predictions covering one gold span between them: both correct, fully covered
        ([(0, 10, "A")], [(0, 4, "A"), (4, 10, "B")], {
            "A": TypeScore(1, 1, 1, 1, 1, 1, 0), "B": TypeScore(predicted=1)}),
        # one prediction over two gold spans of its type: correct once, finds both
        ([(0, 3, "A"), (4, 7, "A")], [(0, 7, "A")], {"A": TypeScore(2, 2, 2, 2, 1, 1, 0)}),
        # nothing predicted
        ([(0, 3, "A")], [], {"A": TypeScore(support=1)}),
    ],
)  # fmt: skip
def test_score_text(gold, predicted, expected) -> None:
    assert score_text(gold, predicted) == expected


@pytest.mark.parametrize(
    ("span", "by", "expected"),
    [
        ((2, 8, "A"), [(0, 10, "B")], True),
        ((2, 8, "A"), [(2, 5, "A"), (5, 8, "B")], True),
        ((2, 8, "A"), [(5, 8, "A"), (2, 5, "A")], True),
        ((2, 8, "A"), [(2, 4, "A"), (5, 8, "A")], False),
        ((2, 8, "A"), [(3, 8, "A")], False),
        ((2, 8, "A"), [], False),
    ],
)
def test_covered(span, by, expected) -> None:
    assert covered(span, by) is expected


def test_score_sums_texts_and_adds_the_total() -> None:
    gold = [[(0, 5, "A")], [(0, 5, "A"), (6, 9, "B")], []]
    predicted = [[(0, 5, "A")], [(6, 9, "A")], [(0, 2, "B")]]
    scores = score(gold, predicted)
    assert list(scores) == ["A", "B", ALL]  # by support, then name; the total last
    a = scores["A"]
    assert (a.support, a.found_typed, a.predicted, a.correct) == (2, 1, 2, 1)
    assert a.precision == a.recall_typed == 0.5
    assert scores["B"].recall_typed == 0.0
    assert scores["B"].recall_any == 1.0
    assert scores["B"].precision == 0.0
    assert scores[ALL].support == 3
    assert scores[ALL].false_alarms == 1


def test_ratios_without_a_denominator_are_none() -> None:
    assert TypeScore().precision is None
    assert TypeScore().recall_typed is None
    assert "| X | 0 | 0 | 0 | - | - | - | - |" in markdown_table({"X": TypeScore()})


def test_mislabels_count_only_spans_never_found_under_their_own_type() -> None:
    gold = [[(0, 5, "A"), (6, 9, "B")]]
    predicted = [[(0, 5, "C"), (6, 9, "B"), (6, 8, "C")]]
    assert mislabels(gold, predicted) == {("A", "C"): 1}
