"""cookie_links: which member each cookie was seen with, from every raw row that shows both
(valid or not), so a logged-out event counts as its member, or not at all (P3).

Rebuilt from every raw row when an erasure runs; otherwise only the raw parts (files) not
linked yet, or changed since, are read and their pairs added: links are only ever removed by
erasure, so the pairs of parts already read are in the table."""

from __future__ import annotations

import pyarrow as pa

from runtime.engine.duck import columns, count, tables, temp_table
from runtime.engine.interface import Engine
from runtime.ingest.raw_source import COOKIE_TABLES, RawSource, readable_cookie_tables
from runtime.warehouse.pseudonyms import stage_pseudonym_map
from transforms.person import tables as person_tables
from transforms.person.pseudonymize import Pseudonymizer
from transforms.person.tables import COOKIE_LINKS

LINKED_PARTS = "_veil_linked_parts"  # (table, part, version) of the raw parts in cookie_links
PARTS_SCHEMA = pa.schema([("tbl", pa.string()), ("part", pa.string()), ("version", pa.string())])


def store_cookie_links(conn: Engine, raw: RawSource, pseudonymizer: Pseudonymizer) -> int:
    """Rebuild cookie_links (member and cookie pseudonyms seen together) from every raw visit
    and ad event, leaving out erased members and their cookies (erased_ids and erased_cookies
    staged by `stage_erasure`)."""
    versions = _versions(raw)
    read = _stage_raw_pairs(conn, raw, None)
    _stage_raw_links(conn, pseudonymizer)
    stored = [spec.name for spec in COOKIE_TABLES if spec.name in tables(conn)]
    sql = person_tables.cookie_links_sql("raw_links", "link_map", stored)
    conn.execute(f"CREATE OR REPLACE TABLE {COOKIE_LINKS} AS {sql}")
    _record_parts(conn, versions, read, replace=True)
    return count(conn, f"SELECT * FROM {COOKIE_LINKS}")  # noqa: S608


def add_new_links(conn: Engine, raw: RawSource, pseudonymizer: Pseudonymizer) -> int:
    """Add the pairs of the raw parts not linked yet (erased_ids and erased_cookies staged);
    returns the links kept. Without a record of linked parts, rebuilds from every row."""
    if not columns(conn, LINKED_PARTS) or not columns(conn, COOKIE_LINKS):
        return store_cookie_links(conn, raw, pseudonymizer)
    linked = {
        (t, p): v
        for t, p, v in conn.sql(f"SELECT * FROM {LINKED_PARTS}").fetchall()  # noqa: S608
    }
    versions = _versions(raw)
    new = {
        t: [p for p, v in parts.items() if linked.get((t, p)) != v] for t, parts in versions.items()
    }
    read = _stage_raw_pairs(conn, raw, new)
    _stage_raw_links(conn, pseudonymizer)
    added = person_tables.cookie_links_sql("raw_links", "link_map", [])
    conn.execute(
        f"INSERT INTO {COOKIE_LINKS} SELECT * FROM ({added}) EXCEPT SELECT * FROM {COOKIE_LINKS}"  # noqa: S608
    )
    _record_parts(conn, versions, read, replace=False)
    return count(conn, f"SELECT * FROM {COOKIE_LINKS}")  # noqa: S608


def _stage_raw_pairs(conn: Engine, raw: RawSource, parts: dict[str, list[str]] | None) -> list[str]:
    """raw_pairs from the readable cookie tables (their `parts` only, when given); returns
    the tables read."""
    readable = readable_cookie_tables(conn, raw, parts)
    pairs = " UNION ".join(
        person_tables.raw_cookie_links_sql(relation, spec.cookie_column or "")
        for spec, relation in readable
    )
    none = "SELECT CAST(NULL AS VARCHAR) AS member_id, CAST(NULL AS VARCHAR) AS cookie_id LIMIT 0"
    temp_table(conn, "raw_pairs", pairs or none)
    return [spec.name for spec, _ in readable]


def _stage_raw_links(conn: Engine, pseudonymizer: Pseudonymizer) -> None:
    """raw_links: the raw pairs of members and cookies not erased; link_map: their pseudonyms."""
    temp_table(
        conn,
        "raw_links",
        "SELECT * FROM raw_pairs WHERE member_id NOT IN (SELECT member_id FROM erased_ids) "
        "AND cookie_id NOT IN (SELECT cookie_id FROM erased_cookies)",
    )
    ids = "SELECT member_id AS v FROM raw_links UNION SELECT cookie_id FROM raw_links"
    stage_pseudonym_map(conn, "link_map", ids, pseudonymizer)


def _versions(raw: RawSource) -> dict[str, dict[str, str]]:
    """Each cookie table's parts and their versions, taken before the parts are read."""
    return {spec.name: raw.parts(spec.name) for spec in COOKIE_TABLES}


def _record_parts(
    conn: Engine, versions: dict[str, dict[str, str]], read: list[str], *, replace: bool
) -> None:
    """The parts of the tables `read` are linked, at the versions seen before reading. A table
    that could not be read keeps its old record (none, when rebuilt): its parts are read again
    once it can be."""
    rows = [(t, p, v) for t in read for p, v in versions[t].items()]
    columns_of = zip(*rows, strict=True) if rows else ([], [], [])
    conn.register("_parts", pa.table(list(columns_of), schema=PARTS_SCHEMA))
    if replace or not columns(conn, LINKED_PARTS):
        conn.execute(f"CREATE OR REPLACE TABLE {LINKED_PARTS} AS SELECT * FROM _parts")  # noqa: S608
    else:
        conn.execute(f"DELETE FROM {LINKED_PARTS} WHERE tbl IN (SELECT tbl FROM _parts)")  # noqa: S608
        conn.execute(f"INSERT INTO {LINKED_PARTS} SELECT * FROM _parts")  # noqa: S608
    conn.unregister("_parts")
