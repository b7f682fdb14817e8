"""Which days the raw events cover: the main job runs over exactly those partitions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from runtime.engine.duck import open_database
from runtime.ingest.raw_csv import RawFileError
from runtime.ingest.raw_source import RawFiles
from transforms.contract import EVENT_TABLES
from transforms.ingest.sources import raw_rows_sql
from transforms.sql import literal, text


def event_day_range(root: Path, first: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day holding a placeable event row between `first` and `today`."""
    source = RawFiles(root)
    lo, hi = first, today
    days: list[dt.date] = []
    with open_database(root) as conn:
        for spec in EVENT_TABLES:
            try:
                branches = source.branches(conn, spec.name)
            except RawFileError:  # the run itself stops that table and says why
                continue
            rows = raw_rows_sql(spec, branches, [], None)
            t = f"CAST(TRY_CAST({text(spec.time_column)} AS TIMESTAMP) AS DATE)"
            placeable = f"{t} BETWEEN {literal(lo)} AND {literal(hi)}"
            q = f"SELECT min({t}), max({t}) FROM ({rows}) WHERE {placeable}"  # noqa: S608
            days += [d for d in conn.execute(q).fetchall()[0] if d is not None]
    return (min(days), max(days)) if days else (today, today)
