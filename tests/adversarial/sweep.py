"""Search everything the pipeline wrote for planted strings: raw bytes, their md5/sha1/sha256
hex, and the decoded contents of DuckDB and Parquet files (whose compression hides raw bytes)."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

ALLOWED = ("raw", "quarantine")  # where a raw value may be (CONTRACT.md, Outputs)


def forms(canary: str) -> list[bytes]:
    raw = canary.encode()
    return [raw, *(hashlib.new(h, raw).hexdigest().encode() for h in ("md5", "sha1", "sha256"))]


def written_files(root: Path, allowed: tuple[str, ...] = ALLOWED) -> list[Path]:
    out = []
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        if rel.parts and rel.parts[0] in allowed:
            dirs[:] = []
            continue
        out += [Path(folder, f) for f in files if not Path(folder, f).is_symlink()]
    return out


def _duckdb_text(path: Path) -> str:
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return ""  # a WAL or a file in use: its bytes were searched
    try:
        cols = conn.execute(
            "SELECT database_name, schema_name, table_name, column_name FROM duckdb_columns() "
            "WHERE NOT internal"
        ).fetchall()
        parts = []
        for d, s, t, c in cols:
            q = f'SELECT string_agg(CAST("{c}" AS VARCHAR), chr(10)) FROM "{d}"."{s}"."{t}"'
            parts.append(conn.execute(q).fetchall()[0][0] or "")
        return "\n".join(parts)
    finally:
        conn.close()


def _parquet_text(path: Path) -> str:
    try:
        return str(pq.read_table(path).to_pylist())
    except Exception:  # not Parquet after all: its bytes were searched
        return ""


def canary_hits(root: Path, canaries: list[str], allowed: tuple[str, ...] = ALLOWED) -> list[str]:
    """'<file>: <canary>' for every file outside `allowed` holding a canary in any form."""
    hits = []
    for f in written_files(root, allowed):
        try:
            blob = f.read_bytes()
        except (FileNotFoundError, PermissionError):
            continue
        decoded = b""
        if f.suffix == ".duckdb":
            decoded = _duckdb_text(f).encode()
        elif f.suffix == ".parquet":
            decoded = _parquet_text(f).encode()
        for c in canaries:
            if any(form in blob or form in decoded for form in forms(c)):
                hits.append(f"{f.relative_to(root)}: {c}")
    return hits


def open_to_others(root: Path) -> list[str]:
    """Entries under the data root with a group or other bit, marts.duckdb and the root aside."""
    out = []
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            p = Path(folder, name)
            if p.name == "marts.duckdb" and p.parent == root:
                continue
            try:
                if stat.S_IMODE(p.lstat().st_mode) & 0o077:
                    out.append(str(p.relative_to(root)))
            except FileNotFoundError:
                continue
    return out
