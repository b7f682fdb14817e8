"""Suggestions for unnamed raw columns, from name and sampled values, with counts as evidence."""

from __future__ import annotations

import pytest

from transforms.ingest.sources import Classification as C
from transforms.pii.classify import classify_column
from transforms.pii.scanner import ScanSettings, TextScanner


@pytest.fixture(scope="module")
def scanner() -> TextScanner:
    return TextScanner(ScanSettings())


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("contact", ["kim@example.com", None, "x"] * 10, C.IDENTIFIER),
        ("backup_phone", ["gold"] * 30, C.IDENTIFIER),  # the name alone says so
        ("ref", [f"A{i:06d}" for i in range(50)], C.IDENTIFIER),  # unique per row
        ("joined_on", ["2024-05-0" + str(i % 9 + 1) for i in range(40)], C.QUASI_IDENTIFIER),
        (
            "seen",
            [f"2024-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 9)],
            C.QUASI_IDENTIFIER,
        ),
        ("zip", ["06236", "06237"] * 20, C.QUASI_IDENTIFIER),
        ("loyalty_tier", ["gold", "silver", "bronze"] * 20, C.SAFE),
    ],
)
def test_suggestion(scanner, name, values, expected) -> None:
    report = classify_column(name, values, scanner)
    assert report.suggestion is expected, str(report)
    assert not any(str(v) in " ".join(report.evidence) for v in values if v and len(v) > 3)


def test_one_identifier_in_a_large_sample_is_enough(scanner) -> None:
    values = ["gold", "silver", "bronze"] * 166 + ["kim@example.com"]
    assert classify_column("loyalty_tier", values, scanner).suggestion is C.IDENTIFIER
