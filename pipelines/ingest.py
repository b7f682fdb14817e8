"""The raw tables as external assets: the site's exports that the pipeline reads, never writes."""

from __future__ import annotations

import dagster as dg

from pipelines.constants import INGEST
from transforms.contract import TABLES


def raw_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(f"raw_{table}")


RAW_TABLES = [
    dg.AssetSpec(
        key=raw_asset_key(name),
        group_name=INGEST,
        kinds={"parquet", "csv"},
        description=f"Raw `{name}` export from the site: raw/{name}/*.parquet and *.csv under "
        "the data root. Holds direct identifiers; read only by the warehouse assets.",
    )
    for name in TABLES
]
