"""Every token a text offers that could be a member's own identifier, normalized as the
deny-list stores them: email- and phone-shaped runs, words and runs of words, mixed-script runs,
Hangul words minus trailing particles."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from transforms.pii.scripts import half_width

MAX_WORDS = 3
HANGUL_WORD = re.compile(r"^[가-힣]+$")
WORD = re.compile(r"[A-Za-z0-9_]+(?:[.\-+'][A-Za-z0-9_]+)*|[가-힣]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
PHONE = re.compile(r"\+?\d[\d\-.() ]{7,}\d")


def normalize(value: str) -> str:
    if value.isascii():  # the common case, and NFKC leaves ASCII alone
        return " ".join(value.lower().split())
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def phone_key(value: str) -> str | None:
    """Digits only, +82 read as a leading 0: `+82 10-1234-5678` and `01012345678` are one."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("82") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if 9 <= len(digits) <= 11 else None


CHUNK = re.compile(r"[^\s,.!?;:()\[\]\"'<>]+")
MIXED = re.compile(r"[가-힣][^가-힣]|[^가-힣][가-힣]")
MAX_PARTICLE = 4  # 님, 이고요, 입니다요: the longest particle or ending stripped off a word


def _without_particles(start: int, word: str) -> Iterator[tuple[int, int, str]]:
    """A word minus 1 to 4 trailing Hangul characters, whatever they are (particles and endings
    are too many to list): 김민수님이 -> 김민수님, 김민수, 김민."""
    for rest in _particle_cuts(word):
        yield start, start + len(rest), rest


@functools.lru_cache(maxsize=1 << 17)
def _particle_cuts(word: str) -> tuple[str, ...]:
    cuts = []
    for cut in range(1, MAX_PARTICLE + 1):
        rest = word[:-cut]
        if len(rest) < 2 or not HANGUL_WORD.match(word[-cut:]):
            break
        cuts.append(rest)
    return tuple(cuts)


def _words(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, normalized word, is Hangul) of each word; words repeat, so cached."""
    return [(m.start(), m.end(), *_word(m.group())) for m in WORD.finditer(text)]


@functools.lru_cache(maxsize=1 << 17)
def _word(raw: str) -> tuple[str, bool]:
    word = normalize(raw)
    return word, HANGUL_WORD.match(word) is not None


def candidates(raw: str) -> set[tuple[int, int, str, bool]]:
    """(start, end, normalized token, joined): `joined` marks Hangul words run together, which
    only a real name may match (`푸른 바다` is a phrase, not the nickname 푸른바다)."""
    text = half_width(raw)  # a full-width Jiwoo is Jiwoo; positions stay
    out: set[tuple[int, int, str, bool]] = set()
    for m in EMAIL.finditer(text):
        out.add((m.start(), m.end(), normalize(m.group()), False))
    for m in PHONE.finditer(text):
        key = phone_key(m.group())
        if key:
            out.add((m.start(), m.end(), key, False))
    for m in CHUNK.finditer(text):  # mixed runs only: 작은독자21입니다 -> 작은독자21
        if MIXED.search(m.group()):
            chunk = normalize(m.group())
            out.add((m.start(), m.end(), chunk, False))
            out.update((s, e, t, False) for s, e, t in _without_particles(m.start(), chunk))
    words = _words(text)
    for i, (start, end, word, hangul) in enumerate(words):
        out.add((start, end, word, False))
        if hangul:  # 김민수님이 -> 김민수님, 김민수
            out.update((s, e, t, False) for s, e, t in _without_particles(start, word))
        if not word.isalpha():
            continue  # runs of words are for names (Jiwoo Park, 안 혜진): letters only
        spaced, joined, all_hangul = word, word, hangul
        for _, next_end, next_word, next_hangul in words[i + 1 : i + MAX_WORDS]:
            if not next_word.isalpha():
                break
            spaced += " " + next_word
            out.add((start, next_end, spaced, False))
            all_hangul = all_hangul and next_hangul and joined == word  # two words at most
            if all_hangul:  # 안 혜진님께 -> 안혜진님께, 안혜진님, 안혜진
                joined += next_word
                out.add((start, next_end, joined, True))
                out.update(
                    (start, next_end - (len(joined) - len(t)), t, True)
                    for _, _, t in _without_particles(start, joined)
                )
    return out
