"""Quarantine: rejected rows with their reasons, one Parquet file per table and slice,
owner-only (CONTRACT.md, Bad input). Purged of erased members with the warehouse (P4)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runtime import paths


@dataclass(frozen=True)
class QuarantineFiles:
    root: Path  # the data root

    def folder(self, table: str) -> Path:
        return paths.private_dir(paths.private_dir(paths.quarantine_dir(self.root)) / table)

    def files(self, table: str | None = None) -> list[Path]:
        base = paths.quarantine_dir(self.root)
        pattern = f"{table}/*.parquet" if table else "*/*.parquet"
        return sorted(base.glob(pattern)) if base.is_dir() else []
