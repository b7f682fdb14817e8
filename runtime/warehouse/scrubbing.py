"""Free text in the warehouse is stored scrubbed: each staged free-text value is replaced by
its scrubbed form before the rows are written.

URLs are scanned by their masked decoded form (transforms/pii/url_numbers.py), computed in the
engine over distinct values: millions of article paths become a few hundred texts to scan, and
only the rows whose form holds an identifier come back to be rewritten."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pyarrow as pa

from runtime.engine.duck import temp_table
from runtime.engine.interface import Engine
from transforms.person.tables import FreeText
from transforms.pii.scanner import TextScanner
from transforms.pii.scrub import scan_masked_urls, scrub_free_text, scrub_urls
from transforms.pii.spans import replace_entities
from transforms.pii.url_numbers import decoded_sql, masked_sql


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
        if kind.url:
            replaced, entities = _scrub_urls(conn, table, column, scanner)
        else:
            distinct = f"SELECT {column}, count(*) FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608
            rows = dict(conn.sql(f"{distinct} GROUP BY ALL").fetchall())
            scrubbed = scrub_free_text(rows, scanner)
            replaced, entities = scrubbed.replaced, scrubbed.entities
        found += entities
        if replaced:
            _replace(conn, table, column, replaced)
    return found


def _scrub_urls(
    conn: Engine, table: str, column: str, scanner: TextScanner
) -> tuple[dict[str, str], Counter[str]]:
    """(raw URL -> scrubbed form, entities) of one URL column of `table`."""
    temp_table(
        conn,
        "_url_forms",
        f"SELECT raw, n, decoded, CASE WHEN decoded IS NOT NULL THEN {masked_sql('decoded')} END "  # noqa: S608
        f"AS masked FROM (SELECT raw, n, {decoded_sql('raw')} AS decoded FROM (SELECT {column} "
        f"AS raw, count(*) AS n FROM {table} WHERE {column} IS NOT NULL GROUP BY ALL))",
    )
    forms = conn.sql(
        "SELECT masked, sum(n) FROM _url_forms WHERE masked IS NOT NULL GROUP BY ALL"
    ).fetchall()
    spans, entities = scan_masked_urls({m: int(n) for m, n in forms}, scanner)
    replaced: dict[str, str] = {}
    if spans:
        conn.register("_url_hits", pa.table({"masked": list(spans)}))
        hits = conn.sql(
            "SELECT raw, decoded, masked FROM _url_forms JOIN _url_hits USING (masked)"
        ).fetchall()
        conn.unregister("_url_hits")
        replaced = {raw: replace_entities(decoded, spans[m]) for raw, decoded, m in hits}
    undecodable = dict(conn.sql("SELECT raw, n FROM _url_forms WHERE decoded IS NULL").fetchall())
    if undecodable:  # bytes that are no UTF-8: decoded and scanned whole, as Python reads them
        rest = scrub_urls(undecodable, scanner)
        replaced.update(rest.replaced)
        entities += rest.entities
    conn.execute("DROP TABLE _url_forms")
    return replaced, entities


def _replace(conn: Engine, table: str, column: str, replaced: dict[str, str]) -> None:
    pairs = pa.table({"raw": list(replaced), "clean": list(replaced.values())})
    conn.register("_scrubbed", pairs)
    conn.execute(
        f"UPDATE {table} SET {column} = s.clean FROM _scrubbed s WHERE {table}.{column} = s.raw"  # noqa: S608
    )
    conn.unregister("_scrubbed")
