"""What the warehouse's blocking checks measure, recounted on their own: raw identifiers left in
any text column (P2), and rows of erased members left anywhere (P4)."""

from __future__ import annotations

from runtime.engine.duck import columns, scalar, tables, temp_table
from runtime.engine.interface import Engine
from runtime.ingest.quarantine import QuarantineFiles
from runtime.ingest.raw_source import RawSource, raw_relation, readable_cookie_tables
from runtime.warehouse.erasure import (
    erase_warehouse,
    erased_in_quarantine,
    stage_erased_pseudonyms,
    stage_erasure,
)
from transforms.contract import MEMBERS, VISITS
from transforms.gate.identifiers import (
    cookie_identifiers_sql,
    hashed_tokens_sql,
    identifier_hits_sql,
    is_hashed_identifier_sql,
    member_identifiers_sql,
    raw_identifiers_sql,
    tokens_sql,
)
from transforms.person.pseudonymize import Pseudonymizer


def string_columns(conn: Engine) -> list[tuple[str, str]]:
    """Every text column of the warehouse's own tables."""
    return [
        (t, c) for t in tables(conn) for c, kind in columns(conn, t).items() if kind == "VARCHAR"
    ]


def identifier_hits(conn: Engine, raw: RawSource) -> dict[str, int]:
    """Per warehouse text column, how many distinct values or tokens equal a raw identifier.
    Compared by hash first, one column at a time (a site's tokens and raw cookies do not fit in
    memory as text); a column with a hash in common is recounted on the text."""
    sources = [
        (relation, column)
        for spec, relation in readable_cookie_tables(conn, raw)
        for column in ("cookie_id", *(["ip"] if spec is VISITS else []))
    ]
    members = raw_relation(conn, MEMBERS, raw)
    texts = string_columns(conn)
    temp_table(
        conn, "warehouse_tokens", "SELECT 0 AS col, 0::UBIGINT AS h, 0::UBIGINT AS dh LIMIT 0"
    )
    for i, (table, column) in enumerate(texts):
        tokens = hashed_tokens_sql(table, column)
        conn.execute(f"INSERT INTO warehouse_tokens SELECT {i}, * FROM ({tokens})")  # noqa: S608
    temp_table(conn, "raw_identifier_hashes", member_identifiers_sql(members, hashed=True))
    for relation, column in sources:  # one probe at a time: each builds its own hash table
        ids = cookie_identifiers_sql(relation, column, "warehouse_tokens")
        conn.execute(f"INSERT INTO raw_identifier_hashes {ids}")
    maybe = conn.sql(
        "SELECT DISTINCT col FROM warehouse_tokens "  # noqa: S608
        f"WHERE {is_hashed_identifier_sql('raw_identifier_hashes')}"
    ).fetchall()
    hits = {i: _text_hits(conn, members, sources, *texts[i]) for (i,) in maybe}
    return {f"{t}.{c}": hits.get(i, 0) for i, (t, c) in enumerate(texts)}


def _text_hits(
    conn: Engine, members: str, sources: list[tuple[str, str]], table: str, column: str
) -> int:
    temp_table(conn, "column_tokens", tokens_sql(table, column))
    temp_table(conn, "raw_identifiers", raw_identifiers_sql(members, sources, "column_tokens"))
    return int(scalar(conn, identifier_hits_sql("raw_identifiers", table, column)))


def erased_rows_left(
    conn: Engine,
    raw: RawSource,
    quarantine: QuarantineFiles,
    pseudonymizer: Pseudonymizer,
) -> tuple[int, int]:
    """(warehouse rows, quarantine rows) still of a member with a deletion request."""
    stage_erasure(conn, raw)
    stage_erased_pseudonyms(conn, pseudonymizer)
    conn.execute("BEGIN")
    remaining = sum(erase_warehouse(conn).values())  # counted, then rolled back
    conn.execute("ROLLBACK")
    in_quarantine = sum(erased_in_quarantine(conn, f)[2] for f in quarantine.files())
    return remaining, in_quarantine
