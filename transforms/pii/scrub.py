"""Scrub free text: every entity found is replaced by its type, e.g. `<PHONE_NUMBER>`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from transforms.pii.scanner import TextScanner
from transforms.pii.spans import replace_entities


@dataclass(frozen=True)
class Scrubbed:
    replaced: dict[str, str]  # each distinct text that held an entity -> its scrubbed form
    entities: Counter[str]  # entities found, weighted by how many rows hold the text


def scrub_free_text(
    rows_per_text: Mapping[str, int], scanner: TextScanner, keep: frozenset[str] = frozenset()
) -> Scrubbed:
    """`rows_per_text`: each distinct text and how many rows hold it. `keep`: entity types the
    column holds by nature and keeps (a URL column's URL; not an email within it)."""
    found = scanner.scan_distinct(list(rows_per_text), ignore=keep)
    entities: Counter[str] = Counter()
    replaced = {}
    for text, spans in found.items():
        if spans:
            replaced[text] = replace_entities(text, spans)
            for s in spans:
                entities[s.entity] += rows_per_text[text]
    return Scrubbed(replaced, entities)
