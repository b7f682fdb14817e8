from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from presidio_analyzer.predefined_recognizers import (
    KrBrnRecognizer,
    KrFrnRecognizer,
    KrRrnRecognizer,
)

from sampledata.pii_comments import survey_comments
from sampledata.pii_corpus import load_corpus, main, make_corpus
from sampledata.pii_members import make_members
from sampledata.pii_templates import ENTITY_TYPES
from sampledata.pii_values import luhn_digit

CORPUS = Path(__file__).resolve().parents[1] / "data" / "pii_corpus.jsonl"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS)


def test_regenerating_gives_the_committed_file(tmp_path) -> None:
    main([str(tmp_path / "corpus.jsonl")])
    assert (tmp_path / "corpus.jsonl").read_bytes() == CORPUS.read_bytes()


def test_another_seed_gives_other_comments() -> None:
    assert make_corpus(seed=1, comments=50).comments != make_corpus(seed=2, comments=50).comments


def test_corpus_covers_every_type_in_both_languages(corpus) -> None:
    assert len(corpus.comments) >= 2000
    hangul = re.compile(r"[가-힣]")
    per_type = Counter(
        (s[2], bool(hangul.search(c.text))) for c in corpus.comments for s in c.spans
    )
    for entity in ENTITY_TYPES:
        assert per_type[entity, True] >= 50, entity
        assert per_type[entity, False] >= 30, entity
    harmless = [c.text for c in corpus.comments if not c.spans]
    assert len(harmless) >= 400
    assert sum(bool(re.search(r"\d", t)) for t in harmless) >= 200


def test_particles_are_glued_to_identifiers(corpus) -> None:
    glued = [
        c for c in corpus.comments for s in c.spans if c.text[s[1] : s[1] + 1] in "으로에님이입"
    ]
    assert len(glued) >= 300


def test_spans_hold_the_members_values(corpus) -> None:
    names = {frozenset(m.real_name.lower().split()) for m in corpus.members}
    hangul_names = {m.real_name for m in corpus.members}
    nicknames = {m.nickname for m in corpus.members}
    for c in corpus.comments:
        for start, end, entity in c.spans:
            value = c.text[start:end]
            assert value == value.strip() and value
            if entity == "NICKNAME":
                assert value in nicknames
            if entity == "PERSON":  # any order and case; a space after a Hangul surname
                key = frozenset(value.lower().split())
                assert key in names or value.replace(" ", "") in hangul_names


@pytest.mark.parametrize(
    ("entity", "recognizer"),
    [("KR_RRN", KrRrnRecognizer()), ("KR_FRN", KrFrnRecognizer()), ("KR_BRN", KrBrnRecognizer())],
)
def test_korean_numbers_pass_presidio_checksums(corpus, entity, recognizer) -> None:
    numbers = [c.text[s[0] : s[1]] for c in corpus.comments for s in c.spans if s[2] == entity]
    assert numbers
    assert all(recognizer.validate_result(n) for n in numbers)


def test_rrn_gender_digits_include_the_1800s(corpus) -> None:
    rrns = [c.text[s[0] : s[1]].replace("-", "") for c in corpus.comments for s in c.spans
            if s[2] == "KR_RRN"]  # fmt: skip
    assert {r[6] for r in rrns} == set("123490")
    assert any(len(c.text[s[0] : s[1]]) == 13 for c in corpus.comments for s in c.spans
               if s[2] == "KR_RRN")  # fmt: skip


def test_cards_are_luhn_valid(corpus) -> None:
    cards = [re.sub(r"\D", "", c.text[s[0] : s[1]]) for c in corpus.comments for s in c.spans
             if s[2] == "CREDIT_CARD"]  # fmt: skip
    assert all(len(n) == 16 and luhn_digit(n[:-1]) == n[-1] for n in cards)


def test_survey_stream_has_the_shape_of_real_comments() -> None:
    rng = np.random.default_rng(3)
    comments = survey_comments(rng, 20_000, make_members(rng, 2000))
    lengths = sorted(len(c.text) for c in comments)
    assert 18 <= lengths[len(lengths) // 2] <= 30
    assert 0.08 <= sum(bool(c.spans) for c in comments) / len(comments) <= 0.12
    assert 0.35 <= len({c.text for c in comments}) / len(comments) <= 0.6
