"""The egress gate (P2) on everything that leaves: each mart before publication, each release
folder before delivery. The predicates live in transforms/egress_gate.py; this module reads
the artifact as its recipient would and turns the hits into a blocking check's verdict."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from typing import Any

import duckdb

from pipelines.duck import columns
from pipelines.known_members import load_known_members
from pipelines.mart_verify import Verdict
from pipelines.policy import PolicyConfig
from pipelines.resources import PiiScanning
from transforms.egress_gate import GateHit, describe, name_hits, value_hits
from transforms.pii.scanner import TextScanner

GATE = "no_identifier_leaves"
DESCRIPTION = (
    "Every distinct text value scanned (Presidio's Korean and English recognizers, the members' "
    "own names, nicknames, emails and phones) and every column name checked: no identifier, "
    "no pseudonym- or digest-shaped value, no URL query string. A hit names the column and the "
    "kind of identifier, never the value."
)
_HTML_TEXT = re.compile(r">([^<>]+)<")
_HTML_CODE = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)


def gate_scanner(
    conn: duckdb.DuckDBPyConnection, key: bytes, policy: PolicyConfig, pii: PiiScanning
) -> TextScanner:
    """Presidio plus the deny-list the warehouse on `conn` holds."""
    return pii.scanner(policy, load_known_members(conn, key))


def verdict(hits: list[GateHit], scanned: int) -> Verdict:
    return Verdict(
        GATE,
        not hits,
        describe(hits) if hits else f"{scanned} distinct value(s) scanned, none identifying",
        {"values_scanned": scanned, "findings": len(hits)},
    )


def table_values(conn: duckdb.DuckDBPyConnection, table: str) -> dict[str, list[str]]:
    """Distinct non-null values of every text column of `table` ('catalog.name' allowed)."""
    catalog, _, name = table.rpartition(".")
    text_columns = [
        c for c, kind in columns(conn, name, database=catalog or None).items() if kind == "VARCHAR"
    ]
    distinct = "SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL"
    return {
        f"{name}.{c}": [v for (v,) in conn.sql(distinct.format(c=c, t=table)).fetchall()]
        for c in text_columns
    }


def mart_gate(conn: duckdb.DuckDBPyConnection, table: str, scanner: TextScanner) -> Verdict:
    catalog, _, name = table.rpartition(".")
    values = table_values(conn, table)
    hits = name_hits(name, columns(conn, name, database=catalog or None))
    hits += value_hits(values, scanner)
    return verdict(sorted(hits), sum(len(v) for v in values.values()))


def _leaves(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [str(k), *_leaves(v)]]
    if isinstance(node, list):
        return [s for v in node for s in _leaves(v)]
    return [node] if isinstance(node, str) else []


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return (rows[0], rows[1:]) if rows else ([], [])


def folder_gate(folder: Path, scanner: TextScanner) -> Verdict:
    """CSV files: column names and every value. Manifest and report: their text, through the
    analyzer and the deny-list (their digests are release_verify's to check)."""
    hits: list[GateHit] = []
    tabular: dict[str, list[str]] = {}
    prose: dict[str, list[str]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            header, body = read_csv(path)
            hits += name_hits(path.name, header)
            for i, col in enumerate(header):
                tabular[f"{path.name}.{col}"] = sorted({r[i] for r in body if r[i] != ""})
        elif path.suffix == ".json":
            prose[path.name] = sorted(set(_leaves(json.loads(path.read_text("utf-8")))))
        elif path.suffix == ".html":
            page = _HTML_CODE.sub("", path.read_text("utf-8"))
            prose[path.name] = sorted({html.unescape(t) for t in _HTML_TEXT.findall(page)})
    hits += value_hits(tabular, scanner) + value_hits(prose, scanner, shapes=False)
    scanned = sum(len(v) for v in (*tabular.values(), *prose.values()))
    return verdict(sorted(hits), scanned)
