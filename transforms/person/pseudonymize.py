"""Keyed pseudonyms: HMAC-SHA-256 of an identifier under the pipeline's secret key (P7).

The key is one handle, a `Pseudonymizer` built once from the environment's key text: it hashes,
fingerprints and derives the deny-list key itself, and no other module sees the key bytes.

Only distinct values are hashed (millions of rows share thousands of ids), inside the engine
(`pseudonym_sql`), and the mapping from raw value to pseudonym lives only in a temp table for
the length of one step.
"""

from __future__ import annotations

import hashlib
import hmac

from transforms.pii.known_members import derive_key

_FINGERPRINT_MESSAGE = b"veil/pseudonym-key-fingerprint/v1"


def pseudonymize_value(value: str, key: bytes) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


_BLOCK = 64  # SHA-256's block size (RFC 2104)


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(outer, inner) padded keys of HMAC-SHA-256 (RFC 2104)."""
    block = (hashlib.sha256(key).digest() if len(key) > _BLOCK else key).ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x5C for b in block), bytes(b ^ 0x36 for b in block)


# HMAC from two SHA-256 calls, in any engine with sha256 over bytes: H(outer || H(inner || m)).
HMAC_SQL = "sha256(?::BLOB || unhex(sha256(?::BLOB || encode({value}))))"


def key_fingerprint(key: bytes) -> str:
    """A one-way tag telling which key built the warehouse; reveals nothing about the key."""
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def decode_key(key_text: str) -> bytes:
    """The key as configured: at least 32 characters of secret text (e.g. 64 hex digits)."""
    if len(key_text.strip()) < 32:
        raise ValueError("PIPELINE_PSEUDONYM_KEY must hold at least 32 characters of secret")
    return key_text.strip().encode("utf-8")


class Pseudonymizer:
    """The pseudonymization key as one handle (P7): never printed, never pickled."""

    __slots__ = ("_key",)

    def __init__(self, key_text: str) -> None:
        self._key = decode_key(key_text)

    def __repr__(self) -> str:
        return "Pseudonymizer(key withheld)"

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("the pseudonymization key does not leave its process")

    def pseudonymize(self, value: str) -> str:
        return pseudonymize_value(value, self._key)

    def pseudonym_sql(self, value: str) -> tuple[str, list[bytes]]:
        """SQL computing the pseudonym of the text expression `value` inside the engine (equal
        to `pseudonymize`), and its parameters: the key's pads are bound, never SQL text."""
        return HMAC_SQL.format(value=value), list(hmac_pads(self._key))

    @property
    def fingerprint(self) -> str:
        """Which key built the warehouse (key_fingerprint); reveals nothing about the key."""
        return key_fingerprint(self._key)

    def deny_list_key(self) -> bytes:
        """The known-member deny-list's own key, derived so its digests never equal a pseudonym."""
        return derive_key(self._key)
