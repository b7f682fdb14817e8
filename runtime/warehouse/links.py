"""cookie_links: which member each cookie was seen with, from every raw row that shows both
(valid or not), so a logged-out event counts as its member, or not at all (P3)."""

from __future__ import annotations

from runtime.engine.duck import count, tables, temp_table
from runtime.engine.interface import Engine
from runtime.ingest.raw_source import COOKIE_TABLES, RawSource, readable_cookie_tables
from runtime.warehouse.pseudonyms import stage_pseudonym_map
from transforms.person import erasure
from transforms.person import tables as person_tables
from transforms.person.pseudonymize import Pseudonymizer
from transforms.person.tables import COOKIE_LINKS


def store_cookie_links(conn: Engine, raw: RawSource, pseudonymizer: Pseudonymizer) -> int:
    """Rebuild cookie_links (member and cookie pseudonyms seen together) from every raw visit
    and ad event, leaving out erased members and their cookies. Needs erased_ids staged; stages
    erased_cookies from the same scan of the raw links (so erasure need not scan them again)."""
    pairs = " UNION ".join(
        person_tables.raw_cookie_links_sql(relation, spec.cookie_column or "")
        for spec, relation in readable_cookie_tables(conn, raw)
    )
    none = "SELECT CAST(NULL AS VARCHAR) AS member_id, CAST(NULL AS VARCHAR) AS cookie_id LIMIT 0"
    temp_table(conn, "raw_pairs", pairs or none)
    temp_table(
        conn, "erased_cookies", erasure.linked_cookies_sql("raw_pairs", "erased_ids", "cookie_id")
    )
    temp_table(
        conn,
        "raw_links",
        "SELECT * FROM raw_pairs WHERE member_id NOT IN (SELECT member_id FROM erased_ids) "
        "AND cookie_id NOT IN (SELECT cookie_id FROM erased_cookies)",
    )
    ids = "SELECT member_id AS v FROM raw_links UNION SELECT cookie_id FROM raw_links"
    stage_pseudonym_map(conn, "link_map", ids, pseudonymizer)
    stored = [spec.name for spec in COOKIE_TABLES if spec.name in tables(conn)]
    sql = person_tables.cookie_links_sql("raw_links", "link_map", stored)
    conn.execute(f"CREATE OR REPLACE TABLE {COOKIE_LINKS} AS {sql}")
    return count(conn, f"SELECT * FROM {COOKIE_LINKS}")  # noqa: S608
