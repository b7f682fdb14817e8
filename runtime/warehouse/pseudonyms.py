"""Pseudonyms staged for one step: (value, pseudonym) of distinct identifiers, in memory only."""

from __future__ import annotations

from runtime.engine.duck import temp_table
from runtime.engine.interface import Engine
from transforms.person.pseudonymize import Pseudonymizer


def stage_pseudonym_map(conn: Engine, name: str, ids: str, pseudonymizer: Pseudonymizer) -> None:
    """Temp table `name` (value, pseudonym) for the distinct values of query `ids` (column v)."""
    values = conn.sql(ids).to_arrow_table().column("v")
    conn.register("_pseudonym_map", pseudonymizer.pseudonym_map(values))
    temp_table(conn, name, "SELECT * FROM _pseudonym_map")
    conn.unregister("_pseudonym_map")
