"""The fast scanner finds what Presidio finds, text by text: the prefilter skips only texts no
pattern recognizer can match; worker processes give the same spans as this process."""

from __future__ import annotations

import random

import pytest

from sampledata.comments import HARMLESS
from tests.transforms.pii.test_analyzer import FORMATS, GLUED
from transforms.pii.analyzer import build_analyzer
from transforms.pii.prefilter import could_hold_phone, needs_presidio, plausible
from transforms.pii.scanner import ScanSettings, TextScanner, analyze_text
from transforms.pii.scripts import space_scripts
from transforms.pii.spans import Span, merge, replace_entities

FILTERED_OUT = [
    *HARMLESS,
    "정말 유익한 기사네요", "Thanks for the great reporting!", "광고가 너무 많아요 ㅠㅠ",
    "abc def ghi", "Mr. Kim said so", "e.g. this", "aa:bb", "ZZ-TOP rocks",
]  # fmt: skip


SKIPPED = [t for t in FILTERED_OUT if not needs_presidio(t)]


def test_the_prefilter_skips_plain_chatter() -> None:
    assert len(SKIPPED) >= len(FILTERED_OUT) - 2


@pytest.mark.parametrize("text", SKIPPED)
def test_texts_the_prefilter_skips_give_presidio_nothing(text) -> None:
    assert build_analyzer().analyze(text, language="en") == []
    assert build_analyzer().analyze(text, language="ko") == []


def test_every_format_reaches_presidio() -> None:
    assert all(needs_presidio(t.format(v)) for t, v, _ in FORMATS + GLUED)


def test_random_texts_the_prefilter_skips_hold_nothing_presidio_would_keep() -> None:
    """Fuzz: short texts of letters, Hangul, a few digits and punctuation."""
    rng = random.Random(6)
    alphabet = "abcxyzMVSDEF가나다라마바 기사 좋아요  ,.!?-/:;()+@#0123456789"
    analyzer, skipped = build_analyzer(), 0
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 40)))
        if needs_presidio(text):
            if not could_hold_phone(text):  # phone skipped: phonenumbers agrees
                found = analyzer.analyze(text, language="en", entities=["PHONE_NUMBER"])
                assert found == [], text
            continue
        skipped += 1
        kept = [s for s in analyze_text(analyzer, text, 0.0) if plausible(s, text)]
        assert kept == [], (text, kept)
    assert skipped > 300  # about 450 of 4000


def test_worker_processes_give_the_same_spans_as_this_process() -> None:
    texts = [t.format(v) for t, v, _ in FORMATS + GLUED] + list(HARMLESS)
    here = TextScanner(ScanSettings(workers=1)).scan(texts)
    pooled = TextScanner(ScanSettings(workers=2, parallel_from=1)).scan(texts)
    assert pooled == here


def test_duplicates_are_scanned_once_and_nulls_are_empty() -> None:
    scanner = TextScanner(ScanSettings())
    found = scanner.scan(["연락 010-1234-5678", None, "연락 010-1234-5678", ""])
    assert found[0] == found[2] and found[0] and found[1] == found[3] == []


def test_spans_in_the_spaced_text_map_back_to_the_original() -> None:
    text = "이메일 a.b@naver.com로 010-1234-5678으로"
    spaced, _ = space_scripts(text)
    assert spaced == "이메일 a.b@naver.com 로 010-1234-5678 으로"
    spans = analyze_text(build_analyzer(), text, 0.0)
    assert {text[s.start : s.end] for s in spans} >= {"a.b@naver.com", "010-1234-5678"}


def test_overlaps_merge_into_one_span_named_by_the_best_part() -> None:
    spans = [Span(0, 5, "URL", 0.5), Span(3, 10, "EMAIL_ADDRESS", 1.0), Span(12, 14, "X", 0.1)]
    merged = merge(spans)
    assert merged == [Span(0, 10, "EMAIL_ADDRESS", 1.0), Span(12, 14, "X", 0.1)]
    assert replace_entities("abcdefghij, zz", merged) == "<EMAIL_ADDRESS>, <X>"


def test_a_korean_id_type_wins_over_a_foreign_one_on_the_same_characters() -> None:
    merged = merge([Span(0, 9, "US_PASSPORT", 0.8), Span(0, 9, "KR_PASSPORT", 0.75)])
    assert merged[0].entity == "KR_PASSPORT"


def test_the_indexed_context_enhancer_finds_the_token_presidio_would() -> None:
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    from transforms.pii.analyzer import IndexedContextEnhancer

    doc = build_analyzer().nlp_engine.nlp["en"]("call  010-1234-5678 or mail a.b@x.com, ok?")
    indices = [t.idx for t in doc]
    for start in range(len(doc.text) - 3):
        expected = LemmaContextAwareEnhancer._find_index_of_match_token("w", start, doc, indices)
        assert (
            IndexedContextEnhancer._find_index_of_match_token("w", start, doc, indices) == expected
        )


def test_a_url_column_keeps_its_url_but_not_a_phone_inside_it() -> None:
    url = "https://www.example.co.kr/members/010-1234-5678/profile"
    (spans,) = TextScanner(ScanSettings()).scan([url], ignore=frozenset({"URL"}))
    assert [url[s.start : s.end] for s in spans] == ["010-1234-5678"]


def test_texts_analyzed_together_give_what_each_gives_alone() -> None:
    texts = [t.format(v) for t, v, _ in FORMATS + GLUED] + list(HARMLESS)
    analyzer = build_analyzer()
    together = TextScanner(ScanSettings(workers=1)).scan(texts)
    alone = [merge(analyze_text(analyzer, t, 0.0)) for t in texts]
    for t, a, b in zip(texts, together, alone, strict=True):
        assert {(s.start, s.end) for s in a} >= {(s.start, s.end) for s in b if s.score >= 0.4}, t


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("메일 hong@네이버.한국 으로", "EMAIL_ADDRESS", "hong@네이버.한국"),
        ("주민번호 ９００１０１-１２３４５６７", "KR_RRN", "９００１０１-１２３４５６７"),
        ("접속 １９２.１６８.０.１에서", "IP_ADDRESS", "１９２.１６８.０.１"),
        ("메일 hong＠gmail.com", "EMAIL_ADDRESS", "hong＠gmail.com"),
    ],
)  # fmt: skip
def test_hangul_domains_and_full_width_forms_are_found(text, entity, value) -> None:
    (spans,) = TextScanner(ScanSettings()).scan([text])
    assert [(s.entity, text[s.start : s.end]) for s in spans] == [(entity, value)]
