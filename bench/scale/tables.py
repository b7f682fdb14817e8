"""Which tables of two data roots' warehouse and marts files differ, row for row."""

from __future__ import annotations

from pathlib import Path

import duckdb

from runtime import paths


def _tables(conn: duckdb.DuckDBPyConnection, db: str) -> set[str]:
    rows = conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [db]
    ).fetchall()
    return {r[0] for r in rows}


def differing_tables(left: Path, right: Path) -> list[str]:
    """'<file>.<table>' for every table missing on one side or not equal as a multiset."""
    differing: list[str] = []
    for name, path in (("warehouse", paths.warehouse_path), ("marts", paths.marts_path)):
        conn = duckdb.connect()
        conn.execute(f"ATTACH '{path(left)}' AS a (READ_ONLY)")
        conn.execute(f"ATTACH '{path(right)}' AS b (READ_ONLY)")
        a, b = _tables(conn, "a"), _tables(conn, "b")
        differing += [f"{name}.{t}" for t in sorted(a ^ b)]
        for t in sorted(a & b):
            q = f'SELECT count(*) FROM (FROM a."{t}" EXCEPT ALL FROM b."{t}") UNION ALL ' \
                f'SELECT count(*) FROM (FROM b."{t}" EXCEPT ALL FROM a."{t}")'  # fmt: skip
            if any(n for (n,) in conn.execute(q).fetchall()):
                differing.append(f"{name}.{t}")
        conn.close()
    return differing
