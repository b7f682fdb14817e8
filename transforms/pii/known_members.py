"""The members' own names, nicknames, emails and phones, found in free text by a deny-list of
keyed hashes built at ingest: the plain values never leave ingest, only their digests do.

Matching hashes every candidate a text offers (email- and phone-shaped runs, words and runs of
up to three words, Hangul words minus trailing particles) and looks the digest up in a set."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transforms.pii.spans import Span

ENTITY_OF_FIELD = {
    "real_name": "PERSON",
    "nickname": "NICKNAME",
    "email": "EMAIL_ADDRESS",
    "mobile_phone": "PHONE_NUMBER",
}
FIELDS = tuple(ENTITY_OF_FIELD)
SCORE = 0.9  # an exact match of a member's own identifier
MAX_WORDS = 3
_HANGUL_WORD = re.compile(r"^[가-힣]+$")
WORD = re.compile(r"[A-Za-z0-9_]+(?:[.\-+'][A-Za-z0-9_]+)*|[가-힣]+")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
PHONE = re.compile(r"\+?\d[\d\-.() ]{7,}\d")


def normalize(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def phone_key(value: str) -> str | None:
    """Digits only, +82 read as a leading 0: `+82 10-1234-5678` and `01012345678` are one."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("82") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if 9 <= len(digits) <= 11 else None


def _long_enough(token: str) -> bool:
    return len(token) >= (2 if _HANGUL_WORD.match(token.replace(" ", "")) else 3)


def member_tokens(field: str, value: str | None, vocabulary: frozenset[str]) -> list[str]:
    """The normalized tokens of one member value that the deny-list holds (before hashing).
    Words of the site's public vocabulary (sections, regions, categories) are left out."""
    if not value or not value.strip():
        return []
    if field == "mobile_phone":
        key = phone_key(value)
        return [key] if key else []
    v = normalize(value)
    tokens = [v]
    if field == "email" and "@" in v:
        tokens.append(v.split("@", 1)[0])  # the handle alone, as people type it
    if field == "real_name" and " " in v:
        tokens += [" ".join(reversed(v.split())), v.replace(" ", "")]
    return [t for t in tokens if _long_enough(t) and t not in vocabulary]


def derive_key(pseudonym_key: bytes) -> bytes:
    """The deny-list's own key, so its digests never equal a pseudonym."""
    return hashlib.blake2b(b"veil known-member deny-list", key=pseudonym_key[:64]).digest()


def digest(key: bytes, token: str) -> int:
    """64 bits of a keyed BLAKE2b: a million members' tokens fit a sorted array of 32 MB, and a
    chance match of one candidate is about 4e6 / 2**64."""
    return int.from_bytes(hashlib.blake2b(token.encode(), key=key, digest_size=8).digest())


@dataclass(frozen=True)
class DenyEntry:
    digest: int
    field: str


def deny_entries(
    key: bytes, field: str, value: str | None, vocabulary: frozenset[str]
) -> list[DenyEntry]:
    """The deny-list entries of one member value; `key` from derive_key."""
    return [DenyEntry(digest(key, t), field) for t in member_tokens(field, value, vocabulary)]


def deny_list(
    key: bytes, rows: Iterable[tuple[str, str | None]], vocabulary: frozenset[str]
) -> list[DenyEntry]:
    """(field, value) rows of members -> deny-list entries; `key` from derive_key."""
    return [e for field, value in rows for e in deny_entries(key, field, value, vocabulary)]


def _candidates(text: str) -> Iterator[tuple[int, int, str]]:
    for m in EMAIL.finditer(text):
        yield m.start(), m.end(), normalize(m.group())
    for m in PHONE.finditer(text):
        key = phone_key(m.group())
        if key:
            yield m.start(), m.end(), key
    words = list(WORD.finditer(text))
    for i, first in enumerate(words):
        for n in range(1, MAX_WORDS + 1):
            run = words[i : i + n]
            if len(run) < n:
                break
            parts = [normalize(w.group()) for w in run]
            yield first.start(), run[-1].end(), " ".join(parts)
            if n > 1 and all(_HANGUL_WORD.match(p) for p in parts):
                yield first.start(), run[-1].end(), "".join(parts)
        word = first.group()
        if _HANGUL_WORD.match(word):  # 김민수님이 -> 김민수님, 김민수, 김민
            for cut in range(len(word) - 1, 1, -1):
                yield first.start(), first.start() + cut, word[:cut]


class KnownMembers:
    """Finds the members' own identifiers in text; holds 64-bit digests only, sorted."""

    def __init__(self, key: bytes, entries: Iterable[DenyEntry]) -> None:
        listed = list(entries)
        self._key = key
        self._set_arrays(
            np.array([e.digest for e in listed], dtype=np.uint64),
            np.array([FIELDS.index(e.field) for e in listed], dtype=np.uint8),
        )

    @classmethod
    def from_arrays(
        cls, key: bytes, digests: npt.NDArray[np.uint64], fields: npt.NDArray[np.uint8]
    ) -> KnownMembers:
        """From stored columns: digests, and fields as indexes into FIELDS."""
        known = cls(key, [])
        known._set_arrays(digests.astype(np.uint64), fields.astype(np.uint8))
        return known

    def _set_arrays(self, digests: npt.NDArray[np.uint64], fields: npt.NDArray[np.uint8]) -> None:
        order = np.argsort(digests, kind="stable")
        self._digests: npt.NDArray[np.uint64] = digests[order]
        self._fields: npt.NDArray[np.uint8] = fields[order]

    def __len__(self) -> int:
        return len(self._digests)

    def find(self, text: str) -> list[Span]:
        if not len(self._digests):
            return []
        candidates = list(_candidates(text))
        if not candidates:
            return []
        wanted = np.array([digest(self._key, c[2]) for c in candidates], dtype=np.uint64)
        at = np.searchsorted(self._digests, wanted).clip(max=len(self._digests) - 1)
        hit = self._digests[at] == wanted
        return [
            Span(c[0], c[1], ENTITY_OF_FIELD[FIELDS[int(self._fields[i])]], SCORE)
            for c, i, h in zip(candidates, at, hit, strict=True)
            if h
        ]
