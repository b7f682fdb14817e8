"""Cheap tests of what a text could hold, so Presidio runs only where it can find something
that counts; each is held to Presidio's own verdicts in tests/transforms/pii/test_scanner.py."""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers

from transforms.pii.analyzer import PHONE_REGIONS
from transforms.pii.scripts import half_width
from transforms.pii.spans import Span

# Presidio's weak patterns (no context, no checksum: score below 0.4) also match short codes
# such as "v9" or "h1"; they count only when the match holds at least 6 digits.
STRONG_SCORE = 0.4
WEAK_MIN_DIGITS = 6


def plausible(span: Span, text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text[span.start : span.end])
    return span.score >= STRONG_SCORE or digits >= WEAK_MIN_DIGITS


# What a text must show for any loaded pattern recognizer to find something that counts (a weak
# finding needs 6 digits, see `plausible`): an '@', a dotted domain, a hex pair of a MAC or IPv6
# address, 4 digits (the shortest valid phone number of our regions: PHONE_MIN_DIGITS), or a
# digit next to a date or IP separator, next to a Latin letter (licences, passports, IBANs), or
# in a long run of letters and digits (crypto addresses). Anything else can hold only what a
# NER model or the deny-list finds. tests/transforms/pii/test_scanner.py holds this to
# Presidio's own verdicts; bench/pii_scan.py compares recall with the plain loop.
TRIGGER = re.compile(r"@|[A-Za-z0-9]\.[A-Za-z]{2}|[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}|::")
DIGIT_NEIGHBOUR = re.compile(r"\d[/.:\-]|[/.:\-]\d|[A-Za-z]\d|\d[A-Za-z]|[A-Za-z0-9]{20,}")


def _shortest_phone_number(regions: Sequence[str]) -> int:
    """The fewest digits a valid number of any of `regions` has, from phonenumbers' metadata."""
    lengths = []
    for region in regions:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if meta is None:
            raise ValueError(f"phonenumbers has no metadata for region {region}")
        descs = (meta.general_desc, meta.fixed_line, meta.mobile, meta.toll_free, meta.voip,
                 meta.premium_rate, meta.shared_cost, meta.personal_number, meta.pager,
                 meta.uan, meta.voicemail)  # fmt: skip
        lengths += [n for d in descs if d for n in (d.possible_length or ()) if n > 0]
    return min(lengths)


PHONE_MIN_DIGITS = _shortest_phone_number(PHONE_REGIONS)
# phonenumbers' own pattern for a candidate number (digits, its punctuation, an extension); a
# text none of whose candidates has PHONE_MIN_DIGITS digits holds no valid number. Private in
# phonenumbers: if a release renames it, every text goes to the phone recognizer.
_PHONE_CANDIDATE = getattr(phonenumbers.phonenumbermatcher, "_PATTERN", None)


def could_hold_phone(text: str) -> bool:
    if sum(ch.isdigit() for ch in text) < PHONE_MIN_DIGITS:
        return False
    if _PHONE_CANDIDATE is None:
        return True
    return any(
        sum(ch.isdigit() for ch in m.group()) >= PHONE_MIN_DIGITS
        for m in _PHONE_CANDIDATE.finditer(text)
    )


def needs_presidio(raw: str) -> bool:
    """Whether a pattern recognizer could find something in `raw` that counts."""
    text = half_width(raw)
    if TRIGGER.search(text):
        return True
    digits = sum(ch.isdigit() for ch in text)
    return digits >= PHONE_MIN_DIGITS or (digits > 0 and DIGIT_NEIGHBOUR.search(text) is not None)
