"""Deletion (P4): who is erased, and the SQL that removes every person-level row of theirs.

A member is erased when any deletion request names them, whatever else is wrong with that
request row: a request is honoured even when its timestamp cannot be read. Cookies the member
was ever seen with are theirs too, so rows of those cookies go as well.
"""

from __future__ import annotations

from transforms.sql import text


def erased_member_ids_sql(deletion_rows: str) -> str:
    member = text("member_id")
    return f"SELECT DISTINCT {member} AS member_id FROM {deletion_rows} WHERE {member} IS NOT NULL"  # noqa: S608


def linked_cookies_sql(event_rows: str, erased_ids: str, cookie_column: str) -> str:
    """Raw cookie ids seen together with an erased member id."""
    return (
        f"SELECT DISTINCT {text(cookie_column)} AS cookie_id FROM {event_rows} "  # noqa: S608
        f"WHERE {text('member_id')} IN (SELECT member_id FROM {erased_ids}) "
        f"AND {text(cookie_column)} IS NOT NULL"
    )


def is_erased_row(erased_ids: str, erased_cookies: str | None, cookie_column: str | None) -> str:
    """Condition on a raw row: it belongs to an erased member or to one of their cookies."""
    cond = f"COALESCE({text('member_id')} IN (SELECT member_id FROM {erased_ids}), FALSE)"  # noqa: S608
    if erased_cookies and cookie_column:
        cookie = f"{text(cookie_column)} IN (SELECT cookie_id FROM {erased_cookies})"  # noqa: S608
        cond += f" OR COALESCE({cookie}, FALSE)"
    return f"({cond})"


def erase_from_warehouse_sql(table: str, columns: set[str], erased_pseudonyms: str) -> str | None:
    """DELETE of every row whose member or cookie pseudonym is erased (None: nothing to match)."""
    conds = [
        f"{c} IN (SELECT pseudonym FROM {erased_pseudonyms})"  # noqa: S608
        for c in ("member_pseudonym", "cookie_pseudonym")
        if c in columns
    ]
    if not conds:
        return None
    return f"DELETE FROM {table} WHERE {' OR '.join(conds)}"  # noqa: S608
