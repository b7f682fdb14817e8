"""Deletion applied (P4): the erased members and the cookies they used, removed from every
warehouse table and quarantine file (the rules are in transforms/person/erasure.py), and how
many members the warehouse has erased: stored answers drawn before a new erasure may only be
re-delivered as the release they belong to, never reused in a new one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from runtime.engine.duck import columns, count, scalar, temp_table
from runtime.engine.interface import Engine
from runtime.ingest.quarantine import QuarantineFiles
from runtime.ingest.raw_source import (
    COOKIE_TABLES,
    RawSource,
    raw_relation,
    readable_cookie_tables,
)
from runtime.storage import make_private, rewrite_database, write_parquet
from runtime.warehouse.key_guard import PERSON_TABLES
from runtime.warehouse.links import add_new_links, store_cookie_links
from runtime.warehouse.pseudonyms import stage_pseudonym_map
from transforms.contract import DELETION_REQUESTS
from transforms.person import erasure
from transforms.person.pseudonymize import Pseudonymizer
from transforms.sql import literal

ERASURES_TABLE = "_veil_erasures"


def record_erasure(conn: Engine, erasure: Erasure) -> None:
    """Written once the erased rows' bytes are gone (after `erase_bytes`): until then the next
    run erases again rather than trusting a warehouse that may still hold them."""
    conn.execute(
        f"CREATE OR REPLACE TABLE {ERASURES_TABLE} AS "
        "SELECT ?::BIGINT AS members, ?::VARCHAR AS erased_set",
        [erasure.members, erasure.erased_set],
    )


def erased_members(conn: Engine) -> int:
    """Members with a deletion request applied by the last erasure run (0 before any)."""
    if not columns(conn, ERASURES_TABLE):
        return 0
    return int(scalar(conn, f"SELECT members FROM {ERASURES_TABLE}"))  # noqa: S608


def applied_erased_set(conn: Engine) -> str | None:
    """The digest of the erased set the warehouse's last completed erasure removed."""
    if "erased_set" not in columns(conn, ERASURES_TABLE):
        return None
    return str(scalar(conn, f"SELECT erased_set FROM {ERASURES_TABLE}"))  # noqa: S608


@dataclass(frozen=True)
class Erasure:
    members: int  # members with a deletion request
    erased_set: str  # one digest of every erased member's and cookie's pseudonym
    removed: dict[str, int]  # warehouse rows removed, by table
    quarantine_rows_purged: int
    applied: bool = True  # False: the set was erased already, nothing was read or removed


def erase_members(
    conn: Engine, raw: RawSource, quarantine: QuarantineFiles, pseudonymizer: Pseudonymizer
) -> tuple[int, Erasure]:
    """The whole deletion on an open warehouse (deletion requests already read): the raw ids
    and the cookies they used, then, unless the last completed erasure removed this very set
    (every load since kept them out), cookie_links rebuilt without them and every row of theirs
    removed; otherwise only the links of new raw parts are added. Returns (cookie links kept,
    what was erased). When `applied`, `erase_bytes` and then `record_erasure` must follow."""
    stage_erasure(conn, raw)
    erased_set = erased_set_digest(conn, pseudonymizer)
    members = count(conn, "SELECT * FROM erased_ids")
    if erased_set == applied_erased_set(conn):
        return add_new_links(conn, raw, pseudonymizer), Erasure(members, erased_set, {}, 0, False)
    links = store_cookie_links(conn, raw, pseudonymizer)
    return links, apply_erasure(conn, quarantine, pseudonymizer, members, erased_set)


def erased_set_digest(conn: Engine, pseudonymizer: Pseudonymizer) -> str:
    """One md5 over the sorted pseudonyms of erased_ids and erased_cookies: it tells whether
    the set changed, and no member can be read from it."""
    ids = "SELECT member_id AS v FROM erased_ids UNION SELECT cookie_id FROM erased_cookies"
    stage_pseudonym_map(conn, "erased_set", ids, pseudonymizer)
    digest = "md5(COALESCE(string_agg(pseudonym, ',' ORDER BY pseudonym), ''))"
    return str(scalar(conn, f"SELECT {digest} FROM erased_set"))  # noqa: S608


def erase_bytes(warehouse: Path) -> None:
    """Copy the warehouse into a fresh file, so no deleted byte survives (CONTRACT.md, P4)."""
    rewrite_database(warehouse)
    make_private(warehouse)


def apply_erasure(
    conn: Engine,
    quarantine: QuarantineFiles,
    pseudonymizer: Pseudonymizer,
    members: int,
    erased_set: str,
) -> Erasure:
    """Remove every erased member's rows (erased_ids and erased_cookies staged, cookie_links
    rebuilt) from the warehouse and quarantine; the caller rewrites the file afterwards."""
    stage_erased_pseudonyms(conn, pseudonymizer)
    removed = erase_warehouse(conn)
    purged = purge_quarantine(conn, quarantine)
    return Erasure(members, erased_set, removed, purged)


# The erased members' cookies of the raw files as they are, found once per process: the event
# steps and the checks of one run (in one process) share one scan of every raw visit and ad
# event. Keyed by the source and its files' fingerprints, so a changed file is scanned again.
_erased_cookies: dict[str, pa.Table] = {}
_COOKIE_SOURCES = (DELETION_REQUESTS.name, *(spec.name for spec in COOKIE_TABLES))


def stage_erasure(conn: Engine, raw: RawSource, cookies: bool = True) -> None:
    """Temp tables erased_ids (raw member ids) and, with `cookies`, erased_cookies (raw cookie
    ids they used: a scan of every raw visit and ad event, once per process and raw files)."""
    deletions = raw_relation(conn, DELETION_REQUESTS, raw)
    temp_table(conn, "erased_ids", erasure.erased_member_ids_sql(deletions))
    if not cookies:
        return
    key = repr(raw) + "|" + "|".join(raw.fingerprint(t) for t in _COOKIE_SOURCES)
    found = _erased_cookies.get(key)
    if found is None:
        links = [
            erasure.linked_cookies_sql(relation, "erased_ids", spec.cookie_column or "")
            for spec, relation in readable_cookie_tables(conn, raw)
        ]
        none = "SELECT CAST(NULL AS VARCHAR) AS cookie_id LIMIT 0"
        found = conn.sql(" UNION ".join(links) or none).to_arrow_table()
        _erased_cookies.clear()
        _erased_cookies[key] = found
    conn.register("_erased_cookies", found)
    temp_table(conn, "erased_cookies", "SELECT cookie_id FROM _erased_cookies")
    conn.unregister("_erased_cookies")


def stage_erased_pseudonyms(conn: Engine, pseudonymizer: Pseudonymizer) -> None:
    """Temp table erased_pseudonyms: erased members, their raw-linked cookies, and every cookie
    the warehouse still links to them (their raw rows may be gone)."""
    ids = "SELECT member_id AS v FROM erased_ids UNION SELECT cookie_id FROM erased_cookies"
    stage_pseudonym_map(conn, "erased_map", ids, pseudonymizer)
    temp_table(conn, "erased_pseudonyms", "SELECT pseudonym FROM erased_map")
    for table in PERSON_TABLES:
        cols = set(columns(conn, table))
        if {"member_pseudonym", "cookie_pseudonym"} <= cols:
            conn.execute(
                f"INSERT INTO erased_pseudonyms SELECT DISTINCT cookie_pseudonym FROM {table} "  # noqa: S608
                "WHERE member_pseudonym IN (SELECT pseudonym FROM erased_pseudonyms)"
            )


def erase_warehouse(conn: Engine) -> dict[str, int]:
    removed = {}
    for table in PERSON_TABLES:
        statement = erasure.erase_from_warehouse_sql(
            table, set(columns(conn, table)), "erased_pseudonyms"
        )
        if statement:
            removed[table] = int(conn.execute(statement).fetchall()[0][0])
    return removed


def erased_in_quarantine(conn: Engine, path: Path) -> tuple[str, str, int]:
    """(scan, condition, count) of the rows of erased members in one quarantine file."""
    scan = f"read_parquet({literal(str(path))})"
    names = {d[0] for d in conn.sql(f"SELECT * FROM {scan} LIMIT 0").description}  # noqa: S608
    cookie = "cookie_id" if "cookie_id" in names else None
    cond = erasure.is_erased_row("erased_ids", "erased_cookies" if cookie else None, cookie)
    return scan, cond, int(scalar(conn, f"SELECT count(*) FROM {scan} WHERE {cond}"))  # noqa: S608


def purge_quarantine(conn: Engine, quarantine: QuarantineFiles) -> int:
    """Rewrite every quarantine file that still holds a row of an erased member."""
    purged = 0
    for f in quarantine.files():
        scan, cond, hits = erased_in_quarantine(conn, f)
        if hits:
            write_parquet(conn, f"SELECT * FROM {scan} WHERE NOT {cond}", f)  # noqa: S608
            purged += hits
    return purged
