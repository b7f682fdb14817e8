"""How well does the scanner find identifiers? TextScanner (with the deny-list of the corpus's
members) over the committed labelled corpus, scored per entity type.

    .venv/bin/python bench/pii_evaluation.py [--corpus tests/data/pii_corpus.jsonl]
                                             [--out docs/pii-evaluation.md]

Prints the table and writes it to --out, with the mislabels and a few (synthetic) examples of
misses and false alarms per type. The matching rule is in transforms/pii/evaluation.py.
"""

from __future__ import annotations

import argparse
import secrets
import time
from collections.abc import Sequence
from pathlib import Path

from sampledata.pii_corpus import Corpus, load_corpus
from transforms.pii.analyzer import HANGUL, language_of
from transforms.pii.evaluation import (
    EntitySpan,
    markdown_table,
    mislabels,
    overlaps,
    score,
)
from transforms.pii.known_members import KnownMembers, deny_list, derive_key
from transforms.pii.scanner import ScanSettings, TextScanner

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "pii_corpus.jsonl"
OUT = REPO / "docs" / "pii-evaluation.md"
EXAMPLES = 3


def known_members(corpus: Corpus) -> KnownMembers:
    """The corpus members' deny-list under a fresh key (any key finds the same spans)."""
    key = derive_key(secrets.token_bytes(32))
    return KnownMembers(key, deny_list(key, corpus.member_rows(), frozenset()))


def scan(corpus: Corpus, settings: ScanSettings) -> list[list[EntitySpan]]:
    found = TextScanner(settings, known_members(corpus)).scan([c.text for c in corpus.comments])
    return [[(s.start, s.end, s.entity) for s in spans] for spans in found]


def examples(corpus: Corpus, predicted: Sequence[Sequence[EntitySpan]], missed: bool) -> list[str]:
    """Per type, up to EXAMPLES texts where a gold span of it overlaps no prediction (`missed`)
    or where a prediction of it overlaps no gold span (a false alarm)."""
    out: dict[str, list[str]] = {}
    for comment, preds in zip(corpus.comments, predicted, strict=True):
        spans, others = (comment.spans, preds) if missed else (preds, comment.spans)
        for s in spans:
            shown = out.setdefault(s[2], [])
            example = f"`{comment.text[s[0] : s[1]]}` in `{comment.text}`"
            missing = not any(overlaps(s, o) for o in others)
            if missing and len(shown) < EXAMPLES and example not in shown:
                shown.append(example)
    return [f"- {e}: " + "; ".join(v) for e, v in sorted(out.items()) if v]


def report(corpus: Corpus, predicted: list[list[EntitySpan]]) -> str:
    gold = [list(c.spans) for c in corpus.comments]
    scores = score(gold, predicted)
    harmless = sum(not c.spans for c in corpus.comments)
    korean = sum(language_of(c.text) == "ko" for c in corpus.comments)
    glued = sum(HANGUL.match(c.text[e : e + 1]) is not None for c in corpus.comments
                for _, e, _ in c.spans)  # fmt: skip
    lines = [
        "# PII detection: measured on the labelled corpus",
        "",
        f"`bench/pii_evaluation.py` over `tests/data/pii_corpus.jsonl`: {len(gold):,} synthetic "
        f"survey comments ({korean:,} with Hangul, {harmless:,} without an identifier, "
        f"{glued:,} identifiers with Hangul glued right after them), `TextScanner` with default "
        "settings (blank spaCy pipelines, no NER model) and the deny-list of the corpus's "
        f"{len(corpus.members)} members. Regenerate the corpus with "
        "`.venv/bin/python -m sampledata.pii_corpus tests/data/pii_corpus.jsonl`; the floors "
        "in `tests/transforms/pii/test_evaluation.py` sit a few points below these figures. "
        "Speed, and the fast path against a plain Presidio loop: `bench/pii_scan.py`.",
        "",
        "Percentages. A prediction is correct when it overlaps a gold span of its type; a gold "
        "span is found (typed) when a prediction of its type overlaps it, found (any type) "
        "when any prediction does, fully covered when predictions cover all its characters. "
        "False alarms overlap no gold span. Rows with support 0 are types no comment holds.",
        "",
        markdown_table(scores),
        "",
        "## Found only under another type",
        "",
        *[f"- {g} as {p}: {n}" for (g, p), n in mislabels(gold, predicted).most_common()],
        "",
        f"## Missed (up to {EXAMPLES} synthetic examples per type)",
        "",
        *examples(corpus, predicted, missed=True),
        "",
        f"## False alarms (up to {EXAMPLES} per type)",
        "",
        *examples(corpus, predicted, missed=False),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    corpus = load_corpus(args.corpus)
    start = time.perf_counter()
    predicted = scan(corpus, ScanSettings())
    seconds = time.perf_counter() - start
    text = report(corpus, predicted)
    args.out.write_text(text, encoding="utf-8")
    print(f"{text}\nscanned in {seconds:.1f} s; written to {args.out}")


if __name__ == "__main__":
    main()
