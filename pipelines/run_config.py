"""Run-level settings every warehouse asset shares: the run date and whether a key may rotate."""

import datetime as dt

import dagster as dg

from pipelines.constants import PARTITIONS_START
from transforms.ingest.validation import ValidationWindow


class WarehouseRunConfig(dg.Config):
    run_date: str | None = None  # ages are taken on this day (ISO date); default: today (UTC)
    now: str | None = None  # later timestamps are out of range (ISO); default: the clock (UTC)
    rotate_key: bool = True  # a changed key rebuilds the warehouse; daily runs refuse instead

    def window(self) -> ValidationWindow:
        now = dt.datetime.fromisoformat(self.now) if self.now else _utcnow()
        run_date = dt.date.fromisoformat(self.run_date) if self.run_date else now.date()
        return ValidationWindow(
            earliest=dt.datetime.fromisoformat(PARTITIONS_START), now=now, run_date=run_date
        )


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
