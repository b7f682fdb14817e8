"""Write table chunks: typed Parquet for clean rows, text CSV for rows types cannot hold."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


class TableWriter:
    """Numbered part-NNNNN.parquet / part-NNNNN.csv / broken-NNNNN.csv files for one table."""

    def __init__(self, root: Path, table: str, columns: list[str]) -> None:
        self.folder = root / "raw" / table
        self.folder.mkdir(parents=True, exist_ok=True)
        for folder in (root / "raw", self.folder):  # synthetic, but shaped like real identifiers
            folder.chmod(0o700)
        self.columns = columns
        self.counters: dict[str, int] = defaultdict(int)
        self.files: list[Path] = []
        self.rows = 0

    def _next(self, stem: str, suffix: str) -> Path:
        path = self.folder / f"{stem}-{self.counters[stem + suffix]:05d}{suffix}"
        self.counters[stem + suffix] += 1
        self.files.append(path)
        return path

    def parquet(self, table: pa.Table) -> None:
        if table.num_rows:
            pq.write_table(
                table.select(self.columns), self._next("part", ".parquet"), row_group_size=250_000
            )
            self.rows += table.num_rows

    def csv(self, rows: list[dict[str, object]], stem: str = "part") -> None:
        if not rows:
            return
        with self._next(stem, ".csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows({c: _text(r.get(c)) for c in self.columns} for r in rows)
        self.rows += len(rows)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)  # dates print as YYYY-MM-DD
