"""Scanning many texts fast, with the same findings as analyzing each one with Presidio:
each distinct text once; Presidio only on texts a pattern recognizer could match (cheap
prefilter); the rest split over worker processes; the members' deny-list on every text."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine

from transforms.pii.analyzer import AnalyzerSettings, build_analyzer, language_of
from transforms.pii.known_members import KnownMembers
from transforms.pii.scripts import original_span, space_scripts
from transforms.pii.spans import Span, merge

# Every pattern recognizer we load needs a digit, an '@', a dotted domain or a hex pair of a MAC
# address to match; a text with none of them can only hold what a NER model or the deny-list
# finds. tests/transforms/test_pii_scanner.py holds this to Presidio's own verdicts.
PATTERN_PREFILTER = re.compile(r"[0-9@]|[A-Za-z0-9]\.[A-Za-z]{2}|[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}")
CHUNK = 1000  # texts per task sent to a worker


@dataclass(frozen=True)
class ScanSettings:
    analyzer: AnalyzerSettings = field(default_factory=AnalyzerSettings)
    score_threshold: float = 0.0  # Presidio findings below this score are ignored
    workers: int = 0  # processes for Presidio; 0: one per CPU
    parallel_from: int = 5000  # fewer texts to analyze than this stay in this process


def needs_presidio(text: str, settings: ScanSettings) -> bool:
    return bool(settings.analyzer.ner_model) or PATTERN_PREFILTER.search(text) is not None


def analyze_text(analyzer: AnalyzerEngine, text: str, threshold: float) -> list[Span]:
    """Presidio on one text, Korean particles split off identifiers, spans in `text`'s terms."""
    spaced, origin = space_scripts(text)
    found = analyzer.analyze(spaced, language=language_of(text), score_threshold=threshold)
    return [Span(*original_span(origin, r.start, r.end), r.entity_type, r.score) for r in found]


_worker: tuple[AnalyzerEngine, float] | None = None


def _start_worker(settings: ScanSettings) -> None:
    global _worker
    _worker = (build_analyzer(settings.analyzer), settings.score_threshold)


def _analyze_chunk(texts: list[str]) -> list[list[Span]]:
    assert _worker is not None  # noqa: S101 (set by the pool's initializer)
    analyzer, threshold = _worker
    return [analyze_text(analyzer, t, threshold) for t in texts]


class TextScanner:
    """Finds entities in texts: Presidio's recognizers plus the known-member deny-list."""

    def __init__(self, settings: ScanSettings, known: KnownMembers | None = None) -> None:
        self.settings = settings
        self.known = known
        self._analyzer: AnalyzerEngine | None = None

    @property
    def analyzer(self) -> AnalyzerEngine:
        if self._analyzer is None:
            self._analyzer = build_analyzer(self.settings.analyzer)
        return self._analyzer

    def scan(
        self, texts: Sequence[str | None], ignore: frozenset[str] = frozenset()
    ) -> list[list[Span]]:
        """The merged entity spans of each text (none for a null)."""
        distinct = list(dict.fromkeys(t for t in texts if t))
        by_text = self.scan_distinct(distinct, ignore)
        return [by_text[t] if t else [] for t in texts]

    def scan_distinct(
        self, texts: list[str], ignore: frozenset[str] = frozenset()
    ) -> dict[str, list[Span]]:
        """Each text's entity spans, overlaps merged; types in `ignore` are dropped first (a
        URL column is a URL: what counts is an email inside it)."""
        pending = [t for t in texts if needs_presidio(t, self.settings)]
        workers = self.settings.workers or os.cpu_count() or 1
        if workers > 1 and len(pending) >= self.settings.parallel_from:
            found, known = self._in_workers(pending, texts, workers)
        else:
            threshold = self.settings.score_threshold
            found = {t: analyze_text(self.analyzer, t, threshold) for t in pending}
            known = self._known(texts)
        return {
            t: merge(s for s in [*found.get(t, []), *known.get(t, [])] if s.entity not in ignore)
            for t in texts
        }

    def _known(self, texts: list[str]) -> dict[str, list[Span]]:
        if not self.known:
            return {}
        return {t: spans for t in texts if (spans := self.known.find(t))}

    def _in_workers(
        self, pending: list[str], texts: list[str], workers: int
    ) -> tuple[dict[str, list[Span]], dict[str, list[Span]]]:
        """Presidio over `pending` in worker processes; the deny-list over `texts` meanwhile."""
        chunks = [pending[i : i + CHUNK] for i in range(0, len(pending), CHUNK)]
        # spawn, not fork: the caller may be a threaded Dagster process
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(self.settings,)
        ) as pool:
            results = pool.map(_analyze_chunk, chunks)
            known = self._known(texts)
            found = {
                t: spans
                for chunk, chunk_spans in zip(chunks, results, strict=True)
                for t, spans in zip(chunk, chunk_spans, strict=True)
            }
        return found, known
