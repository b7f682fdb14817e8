"""Real Dagster runs on small raw tables written to tmp_path."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from pipelines.constants import MAIN_JOB
from pipelines.definitions import make_definitions, resources
from pipelines.resources import PseudonymKey
from pipelines.schedules import WAREHOUSE_ASSET_NAMES
from transforms.contract import TABLES

KEY = "k" * 64
OTHER_KEY = "z" * 64
RUN_DATE = "2026-11-25"
NOW = "2026-11-25T06:00:00"
FIRST_DAY, LAST_DAY = "2026-11-20", "2026-11-24"


def write_table(
    root: Path, table: str, rows: list[dict[str, Any]], name: str = "part-0.csv"
) -> Path:
    """A CSV export of `table` with every contract column (plus any extra keys of the rows)."""
    folder = root / "raw" / table
    folder.mkdir(parents=True, exist_ok=True)
    for f in (folder.parent, folder):  # as the site's export should arrive: owner-only
        f.chmod(0o700)
    columns = list(TABLES[table].column_names)
    columns += [k for r in rows for k in r if k not in columns]
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(dict.fromkeys(columns)))
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {
                    k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                    for k, v in r.items()
                }
            )
    return path


def run_config(**config: Any) -> dict[str, Any]:
    settings = {"run_date": RUN_DATE, "now": NOW, **config}
    return {"ops": {name: {"config": settings} for name in WAREHOUSE_ASSET_NAMES}}


def build_defs(root: Path, key: str = KEY, **overrides: Any) -> dg.Definitions:
    return make_definitions(
        {**resources(str(root)), "pseudonym_key": PseudonymKey(key=key), **overrides}
    )


def run_main(
    root: Path, key: str = KEY, first: str = FIRST_DAY, last: str = LAST_DAY, **kwargs: Any
) -> dg.ExecuteInProcessResult:
    """The main job over [first, last], as `make run` launches it."""
    config = kwargs.pop("config", {})
    job = build_defs(root, key, **kwargs.pop("resources", {})).resolve_job_def(MAIN_JOB)
    return job.execute_in_process(
        run_config=run_config(**config),
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
        raise_on_error=kwargs.pop("raise_on_error", True),
        instance=kwargs.pop("instance", None),
    )


def query(root: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    conn = duckdb.connect(str(root / "warehouse.duckdb"), config={"preserve_insertion_order": True})
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    events = [
        e for e in result.get_asset_materialization_events() if e.asset_key == dg.AssetKey(asset)
    ]
    return {k: v.value for k, v in events[-1].materialization.metadata.items()}


def checks(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {
        f"{c.asset_key.to_user_string()}:{c.check_name}": c.passed
        for c in result.get_asset_check_evaluations()
    }


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data"
