"""Keep the warehouse on one pseudonym key: a changed key rebuilds it or stops the run."""

from __future__ import annotations

from runtime.engine.duck import columns
from runtime.engine.interface import Engine
from transforms.contract import EVENT_TABLES, MEMBERS
from transforms.person.tables import COOKIE_LINKS, KNOWN_MEMBER_TOKENS, TARGETING_LISTS

META_TABLE = "_veil_meta"
PERSON_TABLES = (
    *(t.name for t in (MEMBERS, *EVENT_TABLES)),
    COOKIE_LINKS,
    TARGETING_LISTS,
    KNOWN_MEMBER_TOKENS,
)


class KeyChangedError(RuntimeError):
    pass


def ensure_key(conn: Engine, fingerprint: str, allow_rebuild: bool) -> bool:
    """True when the warehouse was reset because its pseudonyms came from another key."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key_fingerprint VARCHAR)")
    rows = conn.execute(f"SELECT key_fingerprint FROM {META_TABLE}").fetchall()  # noqa: S608
    row = rows[0] if rows else None
    if row is not None and row[0] == fingerprint:
        return False
    has_data = any(_exists(conn, t) for t in PERSON_TABLES)
    if row is not None and has_data and not allow_rebuild:
        raise KeyChangedError(
            "the pseudonym key differs from the one that built the warehouse; run the main job "
            "to rebuild every table under the new key (this run would mix two keys)"
        )
    for t in PERSON_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {t}")
    conn.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608
    conn.execute(f"INSERT INTO {META_TABLE} VALUES (?)", [fingerprint])  # noqa: S608
    return row is not None and has_data


def ensure_same_key(conn: Engine, fingerprint: str) -> None:
    """For tables written after members: the key must be the one members was built with."""
    if ensure_key(conn, fingerprint, allow_rebuild=False):
        raise KeyChangedError("warehouse reset by a key change outside the members asset")


def _exists(conn: Engine, table: str) -> bool:
    return bool(columns(conn, table))
