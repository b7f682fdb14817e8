"""Read a raw CSV export tolerantly: every record becomes a row, the ones that cannot be parsed
with their reason and no values (CONTRACT.md, Bad input), so one bad byte stops nothing.

The engine's own CSV reader guesses a dialect (it took a row with an unquoted comma for the
header), stops on an invalid byte and quotes whole rows in its errors; Python's `csv` module
reads records one at a time, resumes after a bad one and never echoes a value. The result is
written as Parquet into the step's private scratch folder, so the rest of the pipeline reads
CSV and Parquet exports alike.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.contract import MAX_VALUE_CHARS

BATCH_ROWS = 50_000
ROW_COLUMN, ERROR_COLUMN = "_row", "_parse_error"
# Bytes that are not UTF-8 come back from surrogateescape as lone surrogates.
_UNDECODABLE = re.compile("[\udc80-\udcff]")

WRONG_FIELD_COUNT = "wrong_field_count"
INVALID_UTF8 = "invalid_utf8"
OVER_LONG_VALUE = "over_long_value"
MALFORMED_CSV = "malformed_csv"  # a quote in the wrong place, or one never closed
READER_REASONS = (WRONG_FIELD_COUNT, INVALID_UTF8, OVER_LONG_VALUE, MALFORMED_CSV)


class RawFileError(ValueError):
    """A raw file that cannot be read at all: its table stops, naming the file (no value)."""


@dataclass(frozen=True)
class CsvShape:
    header: tuple[str, ...]
    rows: int
    bad_rows: int


def physical_name(position: int) -> str:
    """The Parquet column holding the CSV's column at `position` (0-based): the header's own
    names may be anything, so they never name a column of ours."""
    return f"c{position}"


def _records(f: io.TextIOBase, width: int) -> Iterator[tuple[list[str] | None, str | None]]:
    """(fields, None) for a good record, (None, reason) for one that is not."""
    reader = csv.reader(f, strict=True)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield None, OVER_LONG_VALUE if "field limit" in str(exc) else MALFORMED_CSV
            continue
        if not fields:  # a blank line is no record
            continue
        if _UNDECODABLE.search("".join(fields)):
            yield None, INVALID_UTF8
        elif len(fields) != width:
            yield None, WRONG_FIELD_COUNT
        else:
            yield fields, None


def _read_header(f: io.TextIOBase, label: str) -> tuple[str, ...]:
    """The first non-blank record (a byte-order mark is read away by the encoding)."""
    reader = csv.reader(f, strict=True)
    try:
        header = next((r for r in reader if r), None)
    except csv.Error:
        raise RawFileError(f"{label}: its header row cannot be parsed as CSV") from None
    if header is None:
        return ()
    if any(_UNDECODABLE.search(h) for h in header):
        raise RawFileError(f"{label}: its header row is not UTF-8") from None
    if len(set(header)) != len(header):
        raise RawFileError(f"{label}: its header row names a column twice")
    return tuple(header)


def csv_to_parquet(source: Path, target: Path, label: str) -> CsvShape:
    """Every record of `source` as a row of `target` (text columns c0.., `_row` counting data
    records from 1, `_parse_error`); a record that breaks the CSV has only its reason."""
    csv.field_size_limit(MAX_VALUE_CHARS)  # a longer field raises, and the reader resumes
    with source.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        header = _read_header(f, label)
        width = len(header)
        names = [physical_name(i) for i in range(width)]
        schema = pa.schema(
            [*(pa.field(n, pa.string()) for n in names), (ROW_COLUMN, pa.int64()),
             (ERROR_COLUMN, pa.string())]
        )  # fmt: skip
        rows = bad = 0
        with pq.ParquetWriter(target, schema) as writer:
            batch: list[tuple[list[str] | None, str | None]] = []
            for record in _records(f, width):
                batch.append(record)
                if len(batch) == BATCH_ROWS:
                    bad += _write(writer, schema, batch, rows)
                    rows += len(batch)
                    batch = []
            bad += _write(writer, schema, batch, rows)
            rows += len(batch)
    return CsvShape(header, rows, bad)


def _write(
    writer: pq.ParquetWriter,
    schema: pa.Schema,
    batch: list[tuple[list[str] | None, str | None]],
    before: int,
) -> int:
    empty = [None] * (len(schema) - 2)
    records = [empty if fields is None else fields for fields, _ in batch]
    columns = [list(c) for c in zip(*records, strict=True)] if records else [[] for _ in empty]
    rows = list(range(before + 1, before + len(batch) + 1))
    reasons = [reason for _, reason in batch]
    writer.write_table(pa.table([*columns, rows, reasons], schema=schema))
    return sum(r is not None for r in reasons)
