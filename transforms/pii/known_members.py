"""The members' own names, nicknames, emails and phones, found in free text by a deny-list of
keyed hashes built at ingest: the plain values never leave ingest, only their digests do.

Matching hashes every candidate a text offers (email- and phone-shaped runs, words and runs of
up to three words, Hangul words minus trailing particles) and looks the digest up in a set."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transforms.pii.candidates import HANGUL_WORD, candidates, normalize, phone_key
from transforms.pii.spans import Span

ENTITY_OF_FIELD = {
    "real_name": "PERSON",
    "nickname": "NICKNAME",
    "email": "EMAIL_ADDRESS",
    "mobile_phone": "PHONE_NUMBER",
}
FIELDS = tuple(ENTITY_OF_FIELD)
SCORE = 0.9  # an exact match of a member's own identifier


def _long_enough(token: str) -> bool:
    return len(token) >= (2 if HANGUL_WORD.match(token.replace(" ", "")) else 3)


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
    """The deny-list's own key, so its digests never equal a pseudonym. The pipeline asks
    Pseudonymizer.deny_list_key, which calls this with the key it alone holds."""
    return hashlib.blake2b(b"veil known-member deny-list", key=pseudonym_key[:64]).digest()


class Digester:
    """64 bits of a keyed BLAKE2b per token: a million members' tokens fit a sorted array of
    32 MB, and a chance match of one candidate is about 4e6 / 2**64. The key is absorbed once;
    each token then costs a copy and an update."""

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
    digest: Digester, field: str, value: str | None, vocabulary: frozenset[str]
) -> list[DenyEntry]:
    """The deny-list entries of one member value; `digest` keyed with derive_key's key."""
    return [DenyEntry(digest(t), field) for t in member_tokens(field, value, vocabulary)]


def deny_list(
    key: bytes, rows: Iterable[tuple[str, str | None]], vocabulary: frozenset[str]
) -> list[DenyEntry]:
    """(field, value) rows of members -> deny-list entries; `key` from derive_key."""
    digest = Digester(key)
    return [e for field, value in rows for e in deny_entries(digest, field, value, vocabulary)]


class KnownMembers:
    """Finds the members' own identifiers in text; holds 64-bit digests only, sorted."""

    def __init__(self, key: bytes, entries: Iterable[DenyEntry]) -> None:
        listed = list(entries)
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
        cands = [(i, c) for i, t in enumerate(texts) for c in candidates(t)]
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
