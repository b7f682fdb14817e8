from __future__ import annotations

import hashlib
import hmac

import pytest

from transforms.person.pseudonymize import (
    decode_key,
    key_fingerprint,
    pseudonymize_value,
)

KEY = b"a" * 64
OTHER = b"b" * 64


def test_pseudonym_is_hmac_sha256_of_the_id() -> None:
    expected = hmac.new(KEY, b"u00000001", hashlib.sha256).hexdigest()
    assert pseudonymize_value("u00000001", KEY) == expected


def test_same_key_same_pseudonym_other_key_other_pseudonym() -> None:
    assert pseudonymize_value("u1", KEY) == pseudonymize_value("u1", KEY)
    assert pseudonymize_value("u1", KEY) != pseudonymize_value("u1", OTHER)
    assert pseudonymize_value("u1", KEY) != pseudonymize_value("u2", KEY)


def test_fingerprint_tells_keys_apart_without_revealing_them() -> None:
    assert key_fingerprint(KEY) == key_fingerprint(KEY)
    assert key_fingerprint(KEY) != key_fingerprint(OTHER)
    assert KEY.decode() not in key_fingerprint(KEY)


@pytest.mark.parametrize("text", ["", "short", " " * 40])
def test_short_keys_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="at least 32"):
        decode_key(text)
