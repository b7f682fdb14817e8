"""Scrub free text: every entity found is replaced by its type, e.g. `<PHONE_NUMBER>`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from transforms.pii.scanner import TextScanner
from transforms.pii.spans import Span, replace_entities


@dataclass(frozen=True)
class Scrubbed:
    replaced: dict[str, str]  # each distinct text that held an entity -> its scrubbed form
    entities: Counter[str]  # entities found, weighted by how many rows hold the text


def scrub_free_text(rows_per_text: Mapping[str, int], scanner: TextScanner) -> Scrubbed:
    """`rows_per_text`: each distinct text and how many rows hold it."""
    return _scrub({t: t for t in rows_per_text}, rows_per_text, scanner, frozenset())


def scrub_urls(rows_per_url: Mapping[str, int], scanner: TextScanner) -> Scrubbed:
    """URLs scanned percent-decoded (`%EA%B9%80...` is a name, `%40` an '@'); one that holds
    an identifier is stored decoded, the identifier replaced. Being a URL is no finding."""
    decoded = {u: unquote_plus(u) for u in rows_per_url}
    return _scrub(decoded, rows_per_url, scanner, frozenset({"URL"}), URL_SEPARATORS)


def scan_masked_urls(
    rows_per_masked: Mapping[str, int], scanner: TextScanner
) -> tuple[dict[str, list[Span]], Counter[str]]:
    """Masked decoded URLs (transforms/pii/url_numbers.py) with how many rows hold each: the
    spans of those that hold an identifier, and the entities found weighted by rows."""
    view = {t: t.translate(URL_SEPARATORS) for t in rows_per_masked}
    found = scanner.scan_distinct(sorted(set(view.values())), ignore=frozenset({"URL"}))
    spans = {t: found[v] for t, v in view.items() if found[v]}
    entities: Counter[str] = Counter()
    for t, found_here in spans.items():
        for s in found_here:
            entities[s.entity] += rows_per_masked[t]
    return spans, entities


# A URL's separators read as spaces for scanning (same length, so spans stay put): Presidio's
# email pattern does not start after a '/'.
URL_SEPARATORS = str.maketrans("/?&=#;", "      ")


def _scrub(
    scanned_as: Mapping[str, str],
    rows: Mapping[str, int],
    scanner: TextScanner,
    ignore: frozenset[str],
    separators: dict[int, int] | None = None,
) -> Scrubbed:
    view = {t: t.translate(separators) if separators else t for t in set(scanned_as.values())}
    found = scanner.scan_distinct(sorted(set(view.values())), ignore=ignore)
    entities: Counter[str] = Counter()
    replaced = {}
    for raw, text in scanned_as.items():
        spans = found[view[text]]
        if spans:
            replaced[raw] = replace_entities(text, spans)
            for s in spans:
                entities[s.entity] += rows[raw]
    return Scrubbed(replaced, entities)
