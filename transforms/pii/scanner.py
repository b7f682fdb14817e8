"""Scanning many texts fast, with the same findings as analyzing each one with Presidio:
each distinct text once; Presidio only on texts a pattern recognizer could match (cheap
prefilter); the rest split over worker processes; the members' deny-list on every text."""

from __future__ import annotations

import bisect
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine

from transforms.pii.analyzer import AnalyzerSettings, build_analyzer, language_of
from transforms.pii.known_members import KnownMembers
from transforms.pii.prefilter import could_hold_phone, needs_presidio, plausible
from transforms.pii.scripts import original_span, space_scripts
from transforms.pii.spans import Span, merge

CHUNK = 1000  # texts per task sent to a worker


@dataclass(frozen=True)
class ScanSettings:
    analyzer: AnalyzerSettings = field(default_factory=AnalyzerSettings)
    score_threshold: float = 0.0  # Presidio findings below this score are ignored
    workers: int = 0  # processes for Presidio; 0: one per CPU
    parallel_from: int = 5000  # fewer texts to analyze than this stay in this process


def analyze_text(analyzer: AnalyzerEngine, text: str, threshold: float) -> list[Span]:
    """Presidio on one text, Korean particles split off identifiers, spans in `text`'s terms."""
    return analyze_batch(analyzer, [text], threshold)[0]


# Between texts analyzed together: no recognizer's pattern crosses a line break and a pipe.
SEPARATOR = "\n\n|||\n\n"
BATCH = 100  # texts per Presidio call: its fixed cost per call dominates on short comments


def analyze_batch(
    analyzer: AnalyzerEngine,
    texts: list[str],
    threshold: float,
    entities: list[str] | None = None,
) -> list[list[Span]]:
    """Presidio on texts of one language joined into one call (per-call work, the NLP pass and
    phonenumbers' matchers per region, is paid once); spans mapped back to each text."""
    spaced = [space_scripts(t) for t in texts]
    starts, offset = [], 0
    for joined, _ in spaced:
        starts.append(offset)
        offset += len(joined) + len(SEPARATOR)
    whole = SEPARATOR.join(joined for joined, _ in spaced)
    found: list[list[Span]] = [[] for _ in texts]
    language = language_of(texts[0])
    results = analyzer.analyze(
        whole, language=language, entities=entities, score_threshold=threshold
    )
    for r in results:
        i = bisect.bisect_right(starts, r.start) - 1
        joined, origin = spaced[i]
        start, end = r.start - starts[i], r.end - starts[i]
        if end <= len(joined):  # a match reaching into the separator is no match of a text
            found[i].append(Span(*original_span(origin, start, end), r.entity_type, r.score))
    return found


_worker: TextScanner | None = None


def _start_worker(settings: ScanSettings, known: KnownMembers | None) -> None:
    global _worker
    _worker = TextScanner(settings, known)


def _scan_chunk(texts: list[str], ignore: frozenset[str]) -> list[list[Span]]:
    assert _worker is not None  # noqa: S101 (set by the pool's initializer)
    found = _worker.scan_here(texts, ignore)
    return [found[t] for t in texts]


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
        workers = self.settings.workers or os.cpu_count() or 1
        if workers > 1 and len(texts) >= self.settings.parallel_from:
            return self._in_workers(texts, ignore, workers)
        return self.scan_here(texts, ignore)

    def _needs_presidio(self, text: str) -> bool:
        return bool(self.settings.analyzer.ner_model) or needs_presidio(text)

    def scan_here(
        self, texts: list[str], ignore: frozenset[str] = frozenset()
    ) -> dict[str, list[Span]]:
        """Scan in this process: the deny-list on every text, Presidio where it could match."""
        known = self.known.find_many(texts) if self.known else [[] for _ in texts]
        presidio = self._presidio([t for t in texts if self._needs_presidio(t)])
        return {
            text: merge(
                s
                for s in [*presidio.get(text, []), *members]
                if s.entity not in ignore and plausible(s, text)
            )
            for text, members in zip(texts, known, strict=True)
        }

    def _presidio(self, texts: list[str]) -> dict[str, list[Span]]:
        """Presidio's spans per text, in batches of one language; texts with too few digits
        for any phone number skip the phone recognizer, the costliest."""
        groups: dict[tuple[str, bool], list[str]] = {}
        for t in texts:
            groups.setdefault((language_of(t), could_hold_phone(t)), []).append(t)
        found: dict[str, list[Span]] = {}
        for (language, phone), group in groups.items():
            entities = None if phone else self._entities_but_phone(language)
            for i in range(0, len(group), BATCH):
                batch = group[i : i + BATCH]
                spans = analyze_batch(self.analyzer, batch, self.settings.score_threshold, entities)
                found.update(zip(batch, spans, strict=True))
        return found

    def _entities_but_phone(self, language: str) -> list[str]:
        return [e for e in self.analyzer.get_supported_entities(language) if e != "PHONE_NUMBER"]

    def _in_workers(
        self, texts: list[str], ignore: frozenset[str], workers: int
    ) -> dict[str, list[Span]]:
        """Chunks to worker processes; this process takes an equal share meanwhile, so the
        seconds the workers spend starting up are not lost."""
        chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
        own = len(chunks) // (workers + 1)
        # spawn, not fork: the caller may be a threaded Dagster process
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.settings, self.known),
        ) as pool:
            futures = [pool.submit(_scan_chunk, c, ignore) for c in chunks[own:]]
            found = self.scan_here([t for c in chunks[:own] for t in c], ignore)
            for chunk, future in zip(chunks[own:], futures, strict=True):
                found.update(zip(chunk, future.result(), strict=True))
        return found
