"""An offline Presidio analyzer for Korean and English: blank spaCy pipelines, pattern, checksum,
context and deny-list recognizers, and no network at any point (nothing is downloaded)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)
from spacy.language import Language
from spacy.tokens import Doc

from transforms.pii.korean import korean_recognizers

LANGUAGES = ("en", "ko")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
# The bundled public suffix list, never the network: an empty URL list means no request.
OFFLINE_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
# Korean numbers first; the rest are Presidio's defaults (English comments quote those too).
PHONE_REGIONS = ("KR", *PhoneRecognizer.DEFAULT_SUPPORTED_REGIONS)
PHONE_CONTEXT = {
    "en": PhoneRecognizer.CONTEXT,
    "ko": ["전화", "연락", "번호", "휴대폰", "핸드폰", "폰", "문자", "phone", "mobile", "call"],
}


@dataclass(frozen=True)
class AnalyzerSettings:
    """`ner_model`: an installed spaCy pipeline (e.g. en_core_web_lg) for PERSON and LOCATION
    in English text; None keeps blank pipelines (patterns, checksums, context, deny-lists)."""

    ner_model: str | None = None


@Language.component("veil_lemma_is_lower")
def _lemma_is_lower(doc: Doc) -> Doc:
    """A blank pipeline has no lemmas, and Presidio's context words match lemmas."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class OfflineNlpEngine(SpacyNlpEngine):
    """spaCy pipelines that are blank or already installed: never spacy.cli.download."""

    def __init__(self, settings: AnalyzerSettings) -> None:
        super().__init__(models=[{"lang_code": lang, "model_name": "blank"} for lang in LANGUAGES])
        self.settings = settings

    def load(self) -> None:
        nlp = {"en": spacy.blank("en"), "ko": spacy.blank("xx")}  # xx: no Korean tokenizer deps
        if self.settings.ner_model:
            nlp["en"] = spacy.load(self.settings.ner_model)  # raises if not installed
        for pipeline in nlp.values():
            pipeline.add_pipe("veil_lemma_is_lower", first=True)
        self.nlp = nlp  # type: ignore[assignment]  # Presidio declares it None until loaded


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, its domain checked against the bundled suffix list."""

    def validate_result(self, pattern_text: str) -> bool:
        return OFFLINE_SUFFIXES(pattern_text).fqdn != ""


class IndexedContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's context enhancer, finding a match's token by bisection: its own scan makes a
    spaCy Token per step for every match, quadratic on texts analyzed together."""

    @staticmethod
    def _find_index_of_match_token(
        word: str, start: int, tokens: Doc, tokens_indices: list[int]
    ) -> int:
        # The first token that starts at `start` or ends after it, as Presidio's scan returns.
        i = bisect.bisect_right(tokens_indices, start) - 1
        if i >= 0 and (tokens_indices[i] == start or start < tokens_indices[i] + len(tokens[i])):
            return i
        if i + 1 < len(tokens_indices):
            return i + 1
        raise ValueError(f"no token at offset {start}")  # not the word: it may be an identifier


def _replace(registry: RecognizerRegistry, name: str, by: Mapping[str, EntityRecognizer]) -> None:
    for lang, recognizer in by.items():
        registry.remove_recognizer(name, language=lang)
        registry.add_recognizer(recognizer)


def build_registry(engine: OfflineNlpEngine) -> RecognizerRegistry:
    """Presidio's defaults for English and Korean, then: emails checked offline, phones with
    region KR, cards in Korean text too, the five Korean ID recognizers for both languages."""
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    registry.load_predefined_recognizers(languages=list(LANGUAGES), nlp_engine=engine)
    emails = {lang: OfflineEmailRecognizer(supported_language=lang) for lang in LANGUAGES}
    _replace(registry, "EmailRecognizer", emails)
    _replace(
        registry,
        "PhoneRecognizer",
        {
            lang: PhoneRecognizer(
                supported_language=lang,
                supported_regions=PHONE_REGIONS,
                context=PHONE_CONTEXT[lang],
            )
            for lang in LANGUAGES
        },
    )
    registry.add_recognizer(CreditCardRecognizer(supported_language="ko"))
    for recognizer in korean_recognizers(LANGUAGES):
        registry.add_recognizer(recognizer)
    if not engine.settings.ner_model:  # a blank pipeline finds no named entities
        registry.recognizers = [
            r for r in registry.recognizers if not isinstance(r, SpacyRecognizer)
        ]
    return registry


@functools.cache
def build_analyzer(settings: AnalyzerSettings | None = None) -> AnalyzerEngine:
    """One analyzer per settings and process: building it loads spaCy and every recognizer."""
    engine = OfflineNlpEngine(settings or AnalyzerSettings())
    engine.load()
    return AnalyzerEngine(
        registry=build_registry(engine),
        nlp_engine=engine,
        supported_languages=list(LANGUAGES),
        context_aware_enhancer=IndexedContextEnhancer(),
    )


def language_of(text: str) -> str:
    """Korean when the text holds any Hangul, else English."""
    return "ko" if HANGUL.search(text) else "en"
