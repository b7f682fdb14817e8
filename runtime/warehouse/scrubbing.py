"""Free text in the warehouse is stored scrubbed: each staged free-text value is replaced by
its scrubbed form before the rows are written.

URLs are scanned by their masked decoded form (transforms/pii/url_numbers.py), computed in the
engine over distinct values: millions of article paths become a few hundred texts to scan, and
only the rows whose form holds an identifier come back to be rewritten. A URL found clean is not
decoded, masked or scanned again by the same load's later days (`CLEAN_URLS`): its verdict
depends on its text alone, and most of a day's paths were read on an earlier day."""

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

# Digests (128-bit md5) of the URLs a load found clean, both URL columns together: a URL the
# digest names again is stored as it is. Hashes, not texts: a site's month of distinct paths is
# tens of millions. Only clean URLs: one that held an identifier is scanned again each day.
CLEAN_URLS = "_clean_urls"


def forget_clean_urls(conn: Engine) -> None:
    """A new load starts with no URL known clean (its scanner may know other members)."""
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {CLEAN_URLS} (h UHUGEINT)")


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
    """(raw URL -> scrubbed form, entities) of one URL column of `table`; the URLs found clean
    join CLEAN_URLS."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {CLEAN_URLS} (h UHUGEINT)")
    distinct = (
        f"SELECT {column} AS raw, count(*) AS n FROM {table} WHERE {column} IS NOT NULL "  # noqa: S608
        "GROUP BY ALL"
    )
    unknown = f"SELECT d.* FROM ({distinct}) d ANTI JOIN {CLEAN_URLS} c ON c.h = md5_number(d.raw)"  # noqa: S608
    temp_table(
        conn,
        "_url_forms",
        f"SELECT raw, n, decoded, CASE WHEN decoded IS NOT NULL THEN {masked_sql('decoded')} END "  # noqa: S608
        f"AS masked FROM (SELECT raw, n, {decoded_sql('raw')} AS decoded FROM ({unknown}))",
    )
    forms = conn.sql(
        "SELECT masked, sum(n) FROM _url_forms WHERE masked IS NOT NULL GROUP BY ALL"
    ).fetchall()
    spans, entities = scan_masked_urls({m: int(n) for m, n in forms}, scanner)
    conn.register("_url_hits", pa.table({"masked": pa.array(list(spans), pa.string())}))
    hits = conn.sql(
        "SELECT raw, decoded, masked FROM _url_forms JOIN _url_hits USING (masked)"
    ).fetchall()
    replaced = {raw: replace_entities(decoded, spans[m]) for raw, decoded, m in hits}
    conn.execute(
        f"INSERT INTO {CLEAN_URLS} SELECT md5_number(raw) FROM _url_forms "  # noqa: S608
        "WHERE decoded IS NOT NULL AND masked NOT IN (SELECT masked FROM _url_hits)"
    )
    conn.unregister("_url_hits")
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
