"""Scanning survey comments for identifiers: the fast path against the plain loop.

    .venv/bin/python bench/pii_scan.py [--comments 1000000] [--plain-sample 20000]

1. Generates --comments labelled survey comments shaped like real ones (sampledata.pii_corpus.
   survey_comments: median about 24 characters, about 40% distinct, about 10% quoting an
   identifier), and a deny-list of the members they quote (one member per ten comments).
2. Fast path: TextScanner.scan over all of them (each distinct text once, the cheap prefilter,
   Korean particles split off, worker processes, the deny-list), timed end to end including
   starting the workers.
3. Plain loop: one process, every comment of a random sample (--plain-sample), no dedupe and no
   prefilter: analyzer.analyze(text, language=language_of(text)) plus known.find(text), the
   two merged as the scanner merges them; timed after the analyzer is built.
4. Recall (typed and any type) and precision of both on the plain loop's sample, against the
   labels (rules in transforms/pii/evaluation.py).
Prints comments per second, the speed ratio, a table per entity type, and whether the fast
path's recall is no lower than the plain loop's.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time

import numpy as np

from sampledata.pii_comments import Comment, survey_comments
from sampledata.pii_members import make_members
from transforms.pii.analyzer import AnalyzerSettings, build_analyzer, language_of
from transforms.pii.evaluation import ALL, EntitySpan, TypeScore, score
from transforms.pii.known_members import KnownMembers, deny_list, derive_key
from transforms.pii.scanner import ScanSettings, TextScanner
from transforms.pii.spans import Span, merge


def generate(comments: int, seed: int) -> tuple[list[Comment], KnownMembers, float]:
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    members = make_members(rng, max(1000, comments // 10))
    labelled = survey_comments(rng, comments, members)
    key = derive_key(secrets.token_bytes(32))
    rows = [row for m in members for row in m.rows()]
    return (
        labelled,
        KnownMembers(key, deny_list(key, rows, frozenset())),
        time.perf_counter() - start,
    )


def as_tuples(spans: list[Span]) -> list[EntitySpan]:
    return [(s.start, s.end, s.entity) for s in spans]


def fast_path(
    texts: list[str], known: KnownMembers, workers: int
) -> tuple[list[list[Span]], float]:
    start = time.perf_counter()
    found = TextScanner(ScanSettings(workers=workers), known).scan(texts)
    return found, time.perf_counter() - start


def plain_loop(texts: list[str], known: KnownMembers) -> tuple[list[list[Span]], float]:
    analyzer = build_analyzer(AnalyzerSettings())
    start = time.perf_counter()
    found = []
    for text in texts:
        results = analyzer.analyze(text, language=language_of(text))
        spans = [Span(r.start, r.end, r.entity_type, r.score) for r in results]
        found.append(merge([*spans, *known.find(text)]))
    return found, time.perf_counter() - start


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{100 * value:5.1f}"


def print_table(fast: dict[str, TypeScore], plain: dict[str, TypeScore]) -> None:
    print(f"{'entity':<18} {'support':>7}   {'precision':^15} {'recall typed':^15} "
          f"{'recall any type':^15}")  # fmt: skip
    print(f"{'':<18} {'':>7}   {'fast   plain':^15} {'fast   plain':^15} {'fast   plain':^15}")
    entities = [e for e in dict.fromkeys([*fast, *plain]) if e != ALL]
    for entity in [*entities, ALL]:
        f, p = fast.get(entity, TypeScore()), plain.get(entity, TypeScore())
        print(f"{entity:<18} {f.support:>7}   {_pct(f.precision)}  {_pct(p.precision)}   "
              f"{_pct(f.recall_typed)}  {_pct(p.recall_typed)}   "
              f"{_pct(f.recall_any)}  {_pct(p.recall_any)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--plain-sample", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=0, help="fast path; 0: one per CPU")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    labelled, known, gen_s = generate(args.comments, args.seed)
    texts = [c.text for c in labelled]
    median = statistics.median(len(t) for t in texts)
    print(f"{len(texts):,} comments generated in {gen_s:.1f} s: median {median:g} characters, "
          f"{len(set(texts)) / len(texts):.1%} distinct, "
          f"{sum(bool(c.spans) for c in labelled) / len(texts):.1%} with an identifier; "
          f"deny-list of {len(known):,} tokens")  # fmt: skip

    fast, fast_s = fast_path(texts, known, args.workers)
    sample = np.random.default_rng(args.seed + 1).choice(
        len(texts), min(args.plain_sample, len(texts)), replace=False
    )
    plain, plain_s = plain_loop([texts[i] for i in sample], known)
    fast_rate, plain_rate = len(texts) / fast_s, len(sample) / plain_s
    print(f"fast path  (TextScanner.scan, all {len(texts):,}): {fast_s:8.1f} s, "
          f"{fast_rate:10,.0f} comments/s")  # fmt: skip
    print(f"plain loop (analyze + known.find, {len(sample):,} sampled): {plain_s:8.1f} s, "
          f"{plain_rate:10,.0f} comments/s")  # fmt: skip
    print(f"speed ratio (fast / plain): {fast_rate / plain_rate:.1f}x")

    gold = [list(labelled[i].spans) for i in sample]
    fast_scores = score(gold, [as_tuples(fast[i]) for i in sample])
    plain_scores = score(gold, [as_tuples(spans) for spans in plain])
    print(f"\non the plain loop's {len(sample):,} comments (percent):")
    print_table(fast_scores, plain_scores)
    f, p = fast_scores[ALL], plain_scores[ALL]
    lower = [e for e, s in fast_scores.items() if s.support and (
        s.found_typed < plain_scores[e].found_typed or s.found_any < plain_scores[e].found_any)]  # fmt: skip
    no_lower = f.found_typed >= p.found_typed and f.found_any >= p.found_any and not lower
    print(
        f"\nfast-path recall no lower than the plain loop's: {'yes' if no_lower else 'NO'} "
        f"(typed {f.found_typed} vs {p.found_typed}, any type {f.found_any} vs {p.found_any} "
        f"of {f.support} identifiers{'; lower for ' + ', '.join(lower) if lower else ''})"
    )


if __name__ == "__main__":
    main()
