"""The files a consumer opens: CSV that a spreadsheet shows but never runs (D12).

A text cell starting with '=', '+', '-', '@', TAB or CR gets a leading apostrophe (OWASP, CSV
injection); numbers stay numbers. Lines end in CRLF (RFC 4180), so a cell holding a CR is quoted
and cannot start a row of its own.
"""

from __future__ import annotations

import csv
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A cell no spreadsheet runs: text starting like a formula is shown, not evaluated."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([spreadsheet_safe(c) for c in columns])
        w.writerows([spreadsheet_safe("" if v is None else v) for v in row] for row in rows)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """A released CSV as its consumer reads it: (header, rows)."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return (rows[0], rows[1:]) if rows else ([], [])
