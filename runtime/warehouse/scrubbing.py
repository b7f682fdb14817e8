"""Free text in the warehouse is stored scrubbed: each staged free-text value is replaced by
its scrubbed form before the rows are written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pyarrow as pa

from runtime.engine.interface import Engine
from transforms.person.tables import FreeText
from transforms.pii.scanner import TextScanner
from transforms.pii.scrub import scrub_free_text, scrub_urls


def scrub_columns(
    conn: Engine,
    table: str,
    columns: Mapping[str, FreeText],
    scanner: TextScanner,
) -> Counter[str]:
    """Scrub the free-text `columns` of temp table `table` in place; the entities replaced,
    counted per row."""
    found: Counter[str] = Counter()
    for column, kind in columns.items():
        rows = dict(
            conn.sql(
                f"SELECT {column}, count(*) FROM {table} WHERE {column} IS NOT NULL GROUP BY ALL"  # noqa: S608
            ).fetchall()
        )
        scrubbed = (scrub_urls if kind.url else scrub_free_text)(rows, scanner)
        found += scrubbed.entities
        if not scrubbed.replaced:
            continue
        pairs = pa.table(
            {"raw": list(scrubbed.replaced), "clean": list(scrubbed.replaced.values())}
        )
        conn.register("_scrubbed", pairs)
        conn.execute(
            f"UPDATE {table} SET {column} = s.clean FROM _scrubbed s WHERE {table}.{column} = s.raw"  # noqa: S608
        )
        conn.unregister("_scrubbed")
    return found
