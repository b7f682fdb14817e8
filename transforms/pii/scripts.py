"""Korean particles glued to an identifier (`…@naver.com로`, `010-1234-5678으로`, an IP then
Hangul) hide it from recognizers whose patterns end on a word boundary, because Hangul counts as
a word character. Analysis sees the text with a space wherever Hangul meets another script; the
spans found are mapped back to the original text."""

from __future__ import annotations

import re

_H = r"\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
# Never beside '@' or '.': an email on a Hangul domain (hong@네이버.한국) stays whole.
SCRIPT_BOUNDARY = re.compile(rf"(?<=[{_H}])(?=[^\s@.{_H}])|(?<=[^\s@.{_H}])(?=[{_H}])")
# Full-width forms (digits, the at sign, the ideographic space) typed on Korean keyboards,
# read as ASCII: one character for one, so positions do not move.
FULL_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


_ANY_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")


def half_width(text: str) -> str:
    return text.translate(FULL_WIDTH) if _ANY_FULL_WIDTH.search(text) else text


def space_scripts(text: str) -> tuple[str, list[int]]:
    """The text, full-width forms read as ASCII, with a space at every script boundary; and for
    each of its characters the index of the original character it stands for (an inserted
    space: the next character)."""
    text = half_width(text)
    cuts = [m.start() for m in SCRIPT_BOUNDARY.finditer(text)]
    if not cuts:
        return text, list(range(len(text)))
    parts, origin, last = [], [], 0
    for cut in cuts:
        parts += [text[last:cut], " "]
        origin += [*range(last, cut), cut]
        last = cut
    parts.append(text[last:])
    origin += range(last, len(text))
    return "".join(parts), origin


def original_span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    """A span [start, end) of the spaced text as a span of the original text."""
    return origin[start], origin[end - 1] + 1
