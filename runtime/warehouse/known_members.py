"""The known-member deny-list in the warehouse: keyed digests of each member's name, nickname,
email and phone, written at ingest (the plain values stay in the ingest step), removed with the
member on erasure and dropped with the key."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from runtime.engine.duck import count, tables
from runtime.engine.interface import Engine
from transforms.contract import GENDERS, REGIONS, SECTIONS
from transforms.person.pseudonymize import Pseudonymizer
from transforms.person.tables import KNOWN_MEMBER_TOKENS
from transforms.pii.candidates import normalize
from transforms.pii.known_members import (
    FIELDS,
    Digester,
    KnownMembers,
    deny_entries,
)
from transforms.sql import text

# Public words a nickname may equal: they appear in marts and releases as categories.
VOCABULARY = frozenset(
    normalize(w) for w in (*SECTIONS, *REGIONS, *GENDERS, *(r.split()[-1] for r in REGIONS))
)


def store_known_members(
    conn: Engine, members: str, pseudonyms: str, pseudonymizer: Pseudonymizer
) -> int:
    """Replace the deny-list with the digests of `members` (raw rows, one per member)."""
    digest = Digester(pseudonymizer.deny_list_key())
    cols = ", ".join(text(f) for f in FIELDS)
    rows = conn.sql(
        f"SELECT p.pseudonym, {cols} FROM {members} s "  # noqa: S608
        f"JOIN {pseudonyms} p ON p.value = {text('member_id')}"
    ).fetchall()
    owners, digests, fields = [], [], []
    for pseudonym, *values in rows:
        for field, value in zip(FIELDS, values, strict=True):
            for e in deny_entries(digest, field, value, VOCABULARY):
                owners.append(pseudonym)
                digests.append(e.digest)
                fields.append(FIELDS.index(e.field))
    table = pa.table(
        {
            "member_pseudonym": pa.array(owners, pa.string()),
            "digest": pa.array(digests, pa.uint64()),
            "field": pa.array(fields, pa.uint8()),
        }
    )
    conn.register("_deny_list", table)
    conn.execute(f"CREATE OR REPLACE TABLE {KNOWN_MEMBER_TOKENS} AS SELECT * FROM _deny_list")  # noqa: S608
    conn.unregister("_deny_list")
    return count(conn, f"SELECT * FROM {KNOWN_MEMBER_TOKENS}")  # noqa: S608


def load_known_members(conn: Engine, pseudonymizer: Pseudonymizer) -> KnownMembers:
    """The deny-list as stored (empty before the members table is first loaded)."""
    derived = pseudonymizer.deny_list_key()
    if KNOWN_MEMBER_TOKENS not in tables(conn):
        return KnownMembers(derived, [])
    t = conn.sql(f"SELECT digest, field FROM {KNOWN_MEMBER_TOKENS}").to_arrow_table()  # noqa: S608
    return KnownMembers.from_arrays(
        derived,
        t.column("digest").to_numpy().astype(np.uint64),
        t.column("field").to_numpy().astype(np.uint8),
    )
