"""The egress gate (P2) on everything that leaves: each mart before publication, each release
folder before delivery. The predicates live in transforms/gate/egress.py; this module reads
the artifact as its recipient would and turns the hits into a blocking check's verdict."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from runtime.config.policy import PolicyConfig
from runtime.engine.duck import columns
from runtime.engine.interface import Engine
from runtime.pii import text_scanner
from runtime.releases.files import read_csv
from runtime.verdicts import Verdict
from runtime.warehouse.known_members import load_known_members
from transforms.gate.egress import NUMBER_MIN_SCORE, GateHit, describe, name_hits, value_hits
from transforms.person.pseudonymize import Pseudonymizer
from transforms.pii.scanner import TextScanner
from transforms.releases.manifest import MANIFEST, REPORT
from transforms.sql import ident

GATE = "no_identifier_leaves"
DESCRIPTION = (
    "Every distinct text value scanned (Presidio's Korean and English recognizers, the members' "
    "own names, nicknames, emails and phones) and every column name checked: no identifier, "
    "no pseudonym- or digest-shaped value, no URL query string. A hit names the column and the "
    "kind of identifier, never the value."
)
UNREADABLE = "UNREADABLE_ENTRY"  # a file or folder the gate cannot read: not delivered


def gate_scanner(
    conn: Engine,
    pseudonymizer: Pseudonymizer,
    policy: PolicyConfig,
    workers: int = 0,
) -> TextScanner:
    """Presidio plus the deny-list the warehouse on `conn` holds."""
    return text_scanner(policy, load_known_members(conn, pseudonymizer), workers)


def verdict(hits: list[GateHit], scanned: int) -> Verdict:
    return Verdict(
        GATE,
        not hits,
        describe(hits) if hits else f"{scanned} distinct value(s) scanned, none identifying",
        {"values_scanned": scanned, "findings": len(hits)},
    )


# Typed dates and times are the keys of an aggregate (a day, a week), not identifiers.
TIME_TYPES = ("DATE", "TIMESTAMP", "TIME", "INTERVAL")
NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")  # fmt: skip


def table_values(
    conn: Engine, table: str, kinds: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(numeric columns, every other column): distinct non-null values of `table` as text
    ('catalog.name' allowed; `kinds` its column types); lists, structs and JSON too, since an
    identifier can hide in any of them."""
    name = table.rpartition(".")[2]
    distinct = "SELECT DISTINCT CAST({c} AS VARCHAR) FROM {t} WHERE {c} IS NOT NULL"
    numbers: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    for i, (c, kind) in enumerate(kinds.items()):
        if kind.startswith(TIME_TYPES):
            continue
        target = numbers if kind.startswith(NUMBER_TYPES) else others
        sql = distinct.format(c=ident(c), t=table)
        target[column_label(name, i, c)] = [v for (v,) in conn.sql(sql).fetchall()]
    return numbers, others


def column_label(where: str, position: int, name: str) -> str:
    """How a report names a column: by name, or by position when the name itself is a hit."""
    return (
        f"{where}.{name}"
        if name.isidentifier() and name.isascii()
        else f"{where}.column{position + 1}"
    )


def name_findings(where: str, names: list[str], scanner: TextScanner) -> list[GateHit]:
    """Names against the identifier list, and through the scanner like any value."""
    hits = name_hits(where, [n for n in names if n.isidentifier() and n.isascii()])
    labelled = {column_label(where, i, n): [n] for i, n in enumerate(names)}
    return hits + [GateHit(h.column, h.entity, 0) for h in value_hits(labelled, scanner)]


def mart_gate(conn: Engine, table: str, scanner: TextScanner) -> Verdict:
    catalog, _, name = table.rpartition(".")
    kinds = columns(conn, name, database=catalog or None)
    numbers, others = table_values(conn, table, kinds)
    hits = name_findings(name, list(kinds), scanner)
    hits += value_hits(others, scanner) + value_hits(numbers, scanner, min_score=NUMBER_MIN_SCORE)
    scanned = sum(len(v) for v in (*numbers.values(), *others.values()))
    return verdict(sorted(set(hits)), scanned)


def _leaves(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [str(k), *_leaves(v)]]
    if isinstance(node, list):
        return [s for v in node for s in _leaves(v)]
    return [] if node is None or isinstance(node, bool) else [str(node)]


class _PageText(HTMLParser):
    """Every text node, comment and attribute value of a page (style sheets aside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        self.parts += [v for _, v in attrs if v]

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style and data.strip():
            self.parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.parts.append(data)


def page_text(path: Path) -> list[str]:
    parser = _PageText()
    parser.feed(path.read_text("utf-8"))
    return sorted(set(parser.parts))


def csv_values(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """(header, column label -> distinct values); cells beyond the header are scanned too."""
    header, body = read_csv(path)
    width = max([len(header), *(len(r) for r in body)])
    names = [*header, *(f"extra{i + 1}" for i in range(width - len(header)))]
    values = {
        column_label(path.name, i, n): sorted({r[i] for r in body if i < len(r) and r[i] != ""})
        for i, n in enumerate(names)
    }
    return header, values


def folder_gate(folder: Path, scanner: TextScanner) -> Verdict:
    """Every entry of the folder: CSV names and cells, the manifest's keys and values, the
    report's text and attributes; any other entry is a hit, since it cannot be read here.
    Digests in the manifest are runtime/releases/verify.py's to check against the warehouse."""
    hits: list[GateHit] = []
    tabular: dict[str, list[str]] = {}
    prose: dict[str, list[str]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix == ".csv":
            header, values = csv_values(path)
            hits += name_findings(path.name, header, scanner)
            tabular.update(values)
        elif path.is_file() and path.name == MANIFEST:
            prose[path.name] = sorted(set(_leaves(json.loads(path.read_text("utf-8")))))
        elif path.is_file() and path.name == REPORT:
            prose[path.name] = page_text(path)
        else:
            hits.append(GateHit(f"{path.name}", UNREADABLE, 0))
    hits += value_hits(tabular, scanner) + value_hits(prose, scanner, shapes=False)
    scanned = sum(len(v) for v in (*tabular.values(), *prose.values()))
    return verdict(sorted(set(hits)), scanned)
