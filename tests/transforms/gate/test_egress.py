"""The egress gate's predicates: what counts as an identifier in an outgoing value or name,
reported by column and kind, never by value."""

from __future__ import annotations

import pytest

from transforms.gate.egress import (
    DIGEST,
    IDENTIFIER_NAME,
    QUERY,
    GateHit,
    describe,
    name_hits,
    value_hits,
)
from transforms.pii.known_members import KnownMembers, deny_list, derive_key
from transforms.pii.scanner import ScanSettings, TextScanner

KEY = derive_key(b"g" * 32)


@pytest.fixture(scope="module")
def scanner() -> TextScanner:
    known = KnownMembers(KEY, deny_list(KEY, [("real_name", "김민수")], frozenset()))
    return TextScanner(ScanSettings(), known)


@pytest.mark.parametrize(
    ("value", "entity"),
    [
        ("kim@example.com", "EMAIL_ADDRESS"),
        ("010-1234-5678", "PHONE_NUMBER"),
        ("01012345678", "PHONE_NUMBER"),
        ("192.168.0.17", "IP_ADDRESS"),
        ("김민수", "PERSON"),
        ("9f86d081884c7d659a2feaa0c55ad015", DIGEST),
        ("/article?id=1234", QUERY),
    ],
)
def test_an_identifying_value_is_a_hit(scanner, value, entity) -> None:
    hits = value_hits({"t.c": [value, "Seoul"]}, scanner)
    assert GateHit("t.c", entity, 1) in hits
    assert value not in describe(hits)


@pytest.mark.parametrize(
    "value",
    ["Seoul", "20s", "25-29", "(none)", "c_fall_books", "s2026_11_reader", "ev_2026_fall_quiz",
     "1234", "0", "3.5", "2026-11-01", "https://www.nktimes.example/economy/articleView.html",
     "h1", "women_20s", "North Chungcheong"],
)  # fmt: skip
def test_aggregate_values_pass(scanner, value) -> None:
    assert value_hits({"t.c": [value]}, scanner) == []


def test_names_are_checked_against_the_identifier_deny_list() -> None:
    assert name_hits("f.csv", ["segment_id", "member_email", "audience_size"]) == [
        GateHit("f.csv.member_email", IDENTIFIER_NAME, 0)
    ]


def test_shapes_off_skips_digests_but_not_identifiers(scanner) -> None:
    hits = value_hits({"m.json": ["ab" * 32, "kim@example.com"]}, scanner, shapes=False)
    assert [h.entity for h in hits] == ["EMAIL_ADDRESS"]
