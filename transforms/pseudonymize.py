"""Keyed pseudonyms: HMAC-SHA-256 of an identifier under the pipeline's secret key (P7).

Only distinct values are hashed (millions of rows share thousands of ids), and the mapping from
raw value to pseudonym lives only in memory for the length of one step.
"""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pyarrow.compute as pc

_FINGERPRINT_MESSAGE = b"veil/pseudonym-key-fingerprint/v1"


def pseudonymize_value(value: str, key: bytes) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym_map(values: pa.Array | pa.ChunkedArray, key: bytes) -> pa.Table:
    """(value, pseudonym) for each distinct non-null value."""
    distinct = pc.unique(values).drop_null()
    raw = distinct.to_pylist()
    return pa.table(
        {
            "value": pa.array(raw, pa.string()),
            "pseudonym": pa.array([pseudonymize_value(v, key) for v in raw], pa.string()),
        }
    )


def key_fingerprint(key: bytes) -> str:
    """A one-way tag telling which key built the warehouse; reveals nothing about the key."""
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def decode_key(key_text: str) -> bytes:
    """The key as configured: at least 32 characters of secret text (e.g. 64 hex digits)."""
    if len(key_text.strip()) < 32:
        raise ValueError("PIPELINE_PSEUDONYM_KEY must hold at least 32 characters of secret")
    return key_text.strip().encode("utf-8")
