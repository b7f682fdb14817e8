"""Raw columns the contract does not name: sampled and scanned, reported as identifier,
quasi-identifier or safe with the evidence, and blocked until the policy classifies them. A
column classified safe is sampled again every run; if its values say identifier, it stops."""

from __future__ import annotations

from pathlib import Path

from runtime import paths
from runtime.config.policy import load_policy
from runtime.engine.duck import open_database
from runtime.engine.interface import Engine
from runtime.ingest.raw_csv import RawFileError
from runtime.ingest.raw_source import RawFiles
from runtime.pii import text_scanner
from transforms.contract import TABLES, TableSpec
from transforms.ingest.sources import (
    Branch,
    Classification,
    UnclassifiedColumnError,
    refuse_unplain_names,
    unnamed_columns,
)
from transforms.pii.classify import ColumnReport, classify_column
from transforms.pii.scanner import TextScanner

SAMPLE_ROWS = 500


def extra_column_names(spec: TableSpec, branches: list[Branch]) -> list[str]:
    """Every column some file of the table holds and the contract does not name."""
    return sorted(set(unnamed_columns(spec, (c for b in branches for c in b.columns))))


def sample_values(conn: Engine, branches: list[Branch], column: str) -> list[str | None]:
    """Up to SAMPLE_ROWS values of `column` from each branch holding it (repeatable)."""
    values: list[str | None] = []
    for b in (b for b in branches if column in b.columns):
        values += [
            r[0]
            for r in conn.sql(
                f"SELECT CAST({b.column_sql(column)} AS VARCHAR) FROM {b.scan} "  # noqa: S608
                f"USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) REPEATABLE (7)"
            ).fetchall()
        ]
    return values


def column_reports(
    conn: Engine,
    branches: list[Branch],
    columns: list[str],
    scanner: TextScanner,
) -> list[ColumnReport]:
    return [classify_column(c, sample_values(conn, branches, c), scanner) for c in columns]


def check_extra_columns(
    conn: Engine,
    spec: TableSpec,
    branches: list[Branch],
    classified: dict[str, Classification],
    scanner: TextScanner,
) -> None:
    """Raise, with a report per column, for unclassified columns and 'safe' ones whose sampled
    values hold identifiers. A name that is not a plain identifier stops the table unread."""
    for b in branches:
        refuse_unplain_names(spec, b)
    extras = extra_column_names(spec, branches)
    unknown = [c for c in extras if c not in classified]
    safe = [c for c in extras if classified.get(c) is Classification.SAFE]
    problems = [f"unclassified {r}" for r in column_reports(conn, branches, unknown, scanner)]
    problems += [
        f"classified safe, but {r}"
        for r in column_reports(conn, branches, safe, scanner)
        if r.suggestion is Classification.IDENTIFIER
    ]
    if problems:
        files = "; ".join(b.label for b in branches)
        raise UnclassifiedColumnError(
            f"{spec.name} ({files}): {' | '.join(problems)}. Classify each under "
            f"unknown_columns.{spec.name} in the policy config "
            f"({', '.join(c.value for c in Classification)}) before this table can be read"
        )


def print_column_reports(root: Path) -> int:
    """`python -m pipelines.cli columns`: every raw column the contract does not name, with
    its classification in the policy and what its sampled values look like."""
    policy = load_policy()
    scanner = text_scanner(policy, None)
    raw, found = RawFiles(root), 0
    with open_database(root) as conn:
        for spec in TABLES.values():
            try:
                branches = raw.branches(conn, spec.name)
                for b in branches:
                    refuse_unplain_names(spec, b)
            except (UnclassifiedColumnError, RawFileError) as exc:
                print(f"{spec.name}: {exc}")
                continue
            extras = extra_column_names(spec, branches)
            classified = policy.unknown_columns.get(spec.name, {})
            for report in column_reports(conn, branches, extras, scanner):
                found += 1
                given = classified.get(report.column)
                status = f"classified {given.value}" if given else "UNCLASSIFIED (blocks the table)"
                print(f"{spec.name}.{report} -> {status}")
    print(f"{found} column(s) outside the contract under {paths.raw_dir(root)}")
    return 0
