"""The members' own names, nicknames, emails and phones, found in free text by a deny-list of
keyed hashes built at ingest: the plain values never leave ingest, only their digests do.

Matching hashes every candidate a text offers (email- and phone-shaped runs, words and runs of
up to three words, Hangul words minus trailing particles) and looks the digest up in a set."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transforms.pii.scripts import half_width
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
    if value.isascii():  # the common case, and NFKC leaves ASCII alone
        return " ".join(value.lower().split())
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
    return Digester(key)(token)


class Digester:
    """digest() with the key absorbed once: each token then costs a copy and an update."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._keyed = hashlib.blake2b(key=key, digest_size=8)

    def __reduce__(self) -> tuple[type[Digester], tuple[bytes]]:
        return Digester, (self._key,)  # a hash state does not pickle; workers rebuild it

    def __call__(self, token: str) -> int:
        h = self._keyed.copy()
        h.update(token.encode())
        return int.from_bytes(h.digest())


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
        if len(rest) < 2 or not _HANGUL_WORD.match(word[-cut:]):
            break
        cuts.append(rest)
    return tuple(cuts)


def _words(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, normalized word, is Hangul) of each word; words repeat, so cached."""
    return [(m.start(), m.end(), *_word(m.group())) for m in WORD.finditer(text)]


@functools.lru_cache(maxsize=1 << 17)
def _word(raw: str) -> tuple[str, bool]:
    word = normalize(raw)
    return word, _HANGUL_WORD.match(word) is not None


def _candidates(raw: str) -> set[tuple[int, int, str, bool]]:
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


class KnownMembers:
    """Finds the members' own identifiers in text; holds 64-bit digests only, sorted."""

    def __init__(self, key: bytes, entries: Iterable[DenyEntry]) -> None:
        listed = list(entries)
        self._key = key
        self._digest = Digester(key)
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
        return self.find_many([text])[0]

    def find_many(self, texts: Sequence[str]) -> list[list[Span]]:
        """Each text's matches; every distinct candidate token hashed once, one lookup for all
        (tokens repeat across texts: most are everyday words)."""
        found: list[list[Span]] = [[] for _ in texts]
        if not len(self._digests):
            return found
        cands = [(i, c) for i, t in enumerate(texts) for c in _candidates(t)]
        digests: dict[str, int] = {}
        for _, c in cands:
            if c[2] not in digests:
                digests[c[2]] = self._digest(c[2])
        tokens = list(digests)
        wanted = np.fromiter(digests.values(), dtype=np.uint64, count=len(tokens))
        at = np.searchsorted(self._digests, wanted).clip(max=len(self._digests) - 1)
        hit_fields = {
            tokens[j]: FIELDS[int(self._fields[at[j]])]
            for j in np.flatnonzero(self._digests[at] == wanted)
        }
        for i, (start, end, token, joined) in cands:
            field = hit_fields.get(token)
            if field and (field == "real_name" or not joined):
                found[i].append(Span(start, end, ENTITY_OF_FIELD[field], SCORE))
        return found
