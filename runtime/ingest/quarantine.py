"""Quarantine: rejected rows with their reasons, one Parquet file per table and slice,
owner-only (CONTRACT.md, Bad input). Purged of erased members with the warehouse (P4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from runtime import paths
from runtime.engine.duck import temp_table
from runtime.engine.interface import Engine
from runtime.storage import write_parquet
from transforms.contract import TableSpec
from transforms.ingest.sources import TimeScope
from transforms.ingest.validation import quarantine_columns
from transforms.sql import literal, text


@dataclass(frozen=True)
class QuarantineFiles:
    root: Path  # the data root

    def folder(self, table: str) -> Path:
        return paths.private_dir(paths.private_dir(paths.quarantine_dir(self.root)) / table)

    def files(self, table: str | None = None) -> list[Path]:
        base = paths.quarantine_dir(self.root)
        pattern = f"{table}/*.parquet" if table else "*/*.parquet"
        return sorted(base.glob(pattern)) if base.is_dir() else []


def write_quarantine(
    conn: Engine,
    spec: TableSpec,
    quarantine: QuarantineFiles,
    scope: TimeScope | None,
) -> int:
    """Rewrite the quarantine files this run owns; rows of erased members are not kept."""
    cols = ", ".join(quarantine_columns(spec))
    folder = quarantine.folder(spec.name)
    if scope is None:
        return write_parquet(
            conn,
            f"SELECT {cols} FROM rejected WHERE NOT _erased",  # noqa: S608
            folder / "all.parquet",
        )
    t = f"TRY_CAST({text(spec.time_column)} AS TIMESTAMP)"
    in_scope = f"{t} >= {literal(scope.start)} AND {t} < {literal(scope.end)}"
    day = f"CASE WHEN {in_scope} THEN strftime({t}, '%Y-%m-%d') ELSE 'unplaced' END"
    temp_table(
        conn,
        "rejected_sliced",
        f"SELECT *, {day} AS _slice FROM rejected WHERE NOT _erased",  # noqa: S608
    )
    slices = {r[0] for r in conn.sql("SELECT DISTINCT _slice FROM rejected_sliced").fetchall()}
    kept = 0
    for s in _slices_owned(scope):
        target = folder / f"{s}.parquet"
        if s in slices:
            kept += write_parquet(
                conn,
                f"SELECT {cols} FROM rejected_sliced WHERE _slice = {literal(s)}",  # noqa: S608
                target,
            )
        else:
            target.unlink(missing_ok=True)
    return kept


def _slices_owned(scope: TimeScope) -> list[str]:
    days = (scope.end.date() - scope.start.date()).days
    owned = [(scope.start.date() + dt.timedelta(d)).isoformat() for d in range(days)]
    return owned + (["unplaced"] if scope.unplaceable else [])
