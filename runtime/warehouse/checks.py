"""What the warehouse's blocking checks measure, recounted on their own: raw identifiers left in
any text column (P2), and rows of erased members left anywhere (P4)."""

from __future__ import annotations

from runtime.engine.duck import columns, tables, temp_table
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
from transforms.gate.identifiers import is_identifier_sql, raw_identifiers_sql, tokens_sql
from transforms.person.pseudonymize import Pseudonymizer


def string_columns(conn: Engine) -> list[tuple[str, str]]:
    """Every text column of the warehouse's own tables."""
    return [
        (t, c) for t in tables(conn) for c, kind in columns(conn, t).items() if kind == "VARCHAR"
    ]


def identifier_hits(conn: Engine, raw: RawSource) -> dict[str, int]:
    """Per warehouse text column, how many distinct values or tokens equal a raw identifier."""
    sources = [
        (relation, column)
        for spec, relation in readable_cookie_tables(conn, raw)
        for column in ("cookie_id", *(["ip"] if spec is VISITS else []))
    ]
    members = raw_relation(conn, MEMBERS, raw)
    texts = string_columns(conn)
    every = " UNION ALL ".join(
        f"SELECT {i} AS col, token FROM ({tokens_sql(table, column)})"  # noqa: S608
        for i, (table, column) in enumerate(texts)
    )
    temp_table(conn, "warehouse_tokens", every or "SELECT 0 AS col, '' AS token LIMIT 0")
    temp_table(conn, "raw_identifiers", raw_identifiers_sql(members, sources, "warehouse_tokens"))
    hits = dict(
        conn.sql(
            "SELECT col, count(*) FROM warehouse_tokens "  # noqa: S608
            f"WHERE {is_identifier_sql('token', 'raw_identifiers')} GROUP BY col"
        ).fetchall()
    )
    return {f"{t}.{c}": int(hits.get(i, 0)) for i, (t, c) in enumerate(texts)}


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
