"""Pseudonyms staged for one step: (value, pseudonym) of distinct identifiers, in a temp table,
hashed inside the engine (no value crosses into Python, and the work runs on every core)."""

from __future__ import annotations

from runtime.engine.interface import Engine
from transforms.person.pseudonymize import Pseudonymizer


def stage_pseudonym_map(conn: Engine, name: str, ids: str, pseudonymizer: Pseudonymizer) -> None:
    """Temp table `name` (value, pseudonym) for the distinct values of query `ids` (column v)."""
    pseudonym, key_pads = pseudonymizer.pseudonym_sql("value")
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT value, {pseudonym} AS pseudonym "  # noqa: S608
        f"FROM (SELECT DISTINCT CAST(v AS VARCHAR) AS value FROM ({ids}) WHERE v IS NOT NULL)",
        key_pads,
    )
