"""A mart's fingerprint: what its checks verified, so that publication need not recount it."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.engine.duck import open_database
from runtime.marts.verified import fingerprint, forget, remember, still_verified

ROWS = "('40s', 'M', 'Seoul', 12), ('30s', NULL, 'Busan', 10)"
LABELS = {"region": "region IN ('Seoul', 'Busan')"}


def print_of(tmp_path: Path, rows: str = ROWS, k: int = 10, labels=None) -> str:
    with open_database(tmp_path) as conn:
        conn.execute(
            f"CREATE TABLE m AS SELECT * FROM (VALUES {rows}) v(age_band, gender, region, n)"
        )
        return fingerprint(conn, "m", k, LABELS if labels is None else labels)


def test_the_same_rows_in_another_order_have_the_same_fingerprint(tmp_path: Path) -> None:
    swapped = "('30s', NULL, 'Busan', 10), ('40s', 'M', 'Seoul', 12)"
    assert print_of(tmp_path) == print_of(tmp_path, swapped)


@pytest.mark.parametrize(
    "changed",
    [
        {"rows": "('40s', 'M', 'Seoul', 12), ('30s', NULL, 'Busan', 9)"},  # a count
        {"rows": "('40s', 'M', 'Seoul', 12), ('30s', 'F', 'Busan', 10)"},  # a NULL filled
        {"rows": "('40s', 'M', 'Seoul', 12)"},  # a row gone
        {"rows": "('40s', 'M', 'Seoul, Busan', 12), ('30s', NULL, '', 10)"},  # text shifted
        {"k": 11},
        {"labels": {"region": "TRUE"}},
    ],
)
def test_any_change_of_rows_k_or_labels_changes_the_fingerprint(tmp_path: Path, changed) -> None:
    assert print_of(tmp_path) != print_of(tmp_path, **changed)


def test_a_record_holds_until_forgotten_and_only_for_its_fingerprint(tmp_path: Path) -> None:
    record = tmp_path / "contributions" / "m.verified"
    assert not still_verified(record, "a" * 64)
    remember(record, "a" * 64)
    assert still_verified(record, "a" * 64) and not still_verified(record, "b" * 64)
    assert record.stat().st_mode & 0o077 == 0
    forget(record)
    assert not still_verified(record, "a" * 64)
