"""One table's trip from raw files to the warehouse, with every row accounted for.

raw files -> scoped rows -> validated -> quarantine | accepted -> erasure -> newest row ->
pseudonyms -> generalized -> warehouse. Temp tables live only in the step's connection.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from runtime.config.policy import PolicyConfig
from runtime.engine.duck import count, temp_table
from runtime.engine.interface import Engine
from runtime.ingest.column_classes import check_extra_columns
from runtime.ingest.quarantine import QuarantineFiles, write_quarantine
from runtime.ingest.raw_source import RawSource
from runtime.warehouse.erasure import stage_erasure
from runtime.warehouse.known_members import store_known_members
from runtime.warehouse.pseudonyms import stage_pseudonym_map
from runtime.warehouse.scrubbing import forget_clean_urls, scrub_columns
from transforms.contract import Dedupe, TableSpec
from transforms.ingest.reconciliation import RowCounts
from transforms.ingest.sources import Branch, TimeScope, extra_columns, raw_rows_sql
from transforms.ingest.validation import ValidationWindow, validate_rows_sql
from transforms.person import erasure
from transforms.person import tables as person_tables
from transforms.person.pseudonymize import Pseudonymizer
from transforms.person.tables import FREE_TEXT
from transforms.pii.scanner import TextScanner
from transforms.sql import ident, literal, text


@dataclass(frozen=True)
class LoadInputs:
    """What every table's load reads through: raw files, quarantine, the key, the policy."""

    raw: RawSource
    quarantine: QuarantineFiles
    pseudonymizer: Pseudonymizer
    policy: PolicyConfig


@dataclass(frozen=True)
class TableLoad:
    counts: RowCounts
    reasons: dict[str, int]
    examples: list[str]  # "file row N: reason" for the first few quarantined rows (no values)
    scrubbed: dict[str, int]  # entities replaced in stored free text, by type (rows)


def stage_branches(
    conn: Engine, spec: TableSpec, raw: RawSource, policy: PolicyConfig, scanner: TextScanner
) -> tuple[list[Branch], list[str]]:
    """The table's raw scans, its extra columns checked; returns them and the safe extras."""
    branches = raw.branches(conn, spec.name)
    classified = policy.unknown_columns.get(spec.name, {})
    check_extra_columns(conn, spec, branches, classified, scanner)
    extras = sorted({c for b in branches for c in extra_columns(spec, b, classified)})
    return branches, extras


def _stage_pseudonyms(
    conn: Engine, spec: TableSpec, rows: str, pseudonymizer: Pseudonymizer
) -> None:
    """Pseudonyms of every id in the step's raw rows (query `rows`), hashed once for all days."""
    cols = ", ".join(text(c) for c in ("member_id", spec.cookie_column) if c)
    ids = f"SELECT unnest([{cols}]) AS v FROM ({rows})"  # noqa: S608
    stage_pseudonym_map(conn, "pseudonyms", ids, pseudonymizer)


def load_table(
    conn: Engine,
    spec: TableSpec,
    inputs: LoadInputs,
    window: ValidationWindow,
    scope: TimeScope | None,
    scanner: TextScanner,
    store: bool = True,
) -> TableLoad:
    """Validate, quarantine, erase and (when `store`) write one table, its free text scrubbed
    by `scanner`; returns its counts. An event table goes one day at a time (TimeScope.days),
    so a step's memory follows a day of events, not the whole range."""
    stage_erasure(conn, inputs.raw, cookies=spec.cookie_column is not None)
    forget_clean_urls(conn)
    branches, extras = stage_branches(conn, spec, inputs.raw, inputs.policy, scanner)
    every_row = raw_rows_sql(spec, branches, extras, scope)
    if store:
        _stage_pseudonyms(conn, spec, every_row, inputs.pseudonymizer)
    chunks: list[TimeScope | None] = list(scope.days()) if scope else [None]
    seen = SEEN_KEYS if len(chunks) > 1 and spec.dedupe is Dedupe.FIRST else None
    if seen:  # only ids the range holds more than once can repeat one of an earlier day
        key = text(spec.key)
        repeated = f"SELECT {key} AS key FROM ({every_row}) GROUP BY 1 HAVING count(*) > 1"  # noqa: S608
        temp_table(conn, REPEATED_KEYS, repeated)
        temp_table(conn, seen, "SELECT CAST(NULL AS VARCHAR) AS key LIMIT 0")
    loads = []
    for chunk in chunks:
        rows = raw_rows_sql(spec, branches, extras, chunk)
        load = _load_chunk(conn, spec, inputs, rows, extras, window, chunk, scanner, store, seen)
        loads.append(load)
        if seen:
            conn.execute(f"INSERT INTO {seen} SELECT key FROM accepted_keys")  # noqa: S608
    return combined(loads)


SEEN_KEYS = "seen_keys"  # ids accepted by the earlier days of a step (unique-id tables)
REPEATED_KEYS = "repeated_keys"  # ids the step's range holds more than once


def combined(loads: list[TableLoad]) -> TableLoad:
    """The loads of a table's chunks as one: counts, reasons and entities added up."""
    fields = RowCounts.__dataclass_fields__
    counts = RowCounts(**{f: sum(getattr(x.counts, f) for x in loads) for f in fields})
    reasons: Counter[str] = Counter()
    scrubbed: Counter[str] = Counter()
    for x in loads:
        reasons.update(x.reasons)
        scrubbed.update(x.scrubbed)
    examples = [e for x in loads for e in x.examples][:5]
    return TableLoad(counts, dict(sorted(reasons.items())), examples, dict(scrubbed))


def _load_chunk(
    conn: Engine,
    spec: TableSpec,
    inputs: LoadInputs,
    rows: str,
    extras: list[str],
    window: ValidationWindow,
    scope: TimeScope | None,
    scanner: TextScanner,
    store: bool,
    seen: str | None = None,
) -> TableLoad:
    """One chunk of a table (raw rows query `rows`): erased_ids, erased_cookies and pseudonyms
    already staged. The raw rows are validated as they are read, and each temp table is
    dropped once the next is built: a day of visits at a real site's size is gigabytes a copy."""
    is_erased = erasure.is_erased_row("erased_ids", "erased_cookies", spec.cookie_column)
    valid = validate_rows_sql(spec, f"({rows})", window, seen)
    temp_table(conn, "checked", f"SELECT *, {is_erased} AS _erased FROM ({valid})")  # noqa: S608
    read = count(conn, "SELECT * FROM checked")
    accepted = count(conn, "SELECT * FROM checked WHERE _reason IS NULL")
    erased = count(conn, "SELECT * FROM checked WHERE _reason IS NULL AND _erased")
    temp_table(conn, "rejected", "SELECT * FROM checked WHERE _reason IS NOT NULL")
    temp_table(conn, "kept", "SELECT * FROM checked WHERE _reason IS NULL AND NOT _erased")
    if seen:
        key = text(spec.key)
        repeats = (
            f"SELECT {key} AS key FROM checked WHERE _reason IS NULL "  # noqa: S608
            f"AND {key} IN (SELECT key FROM {REPEATED_KEYS})"
        )
        temp_table(conn, "accepted_keys", repeats)
    conn.execute("DROP TABLE checked")
    kept_rows = count(conn, "SELECT * FROM kept")
    newest = "kept"
    if spec.dedupe is Dedupe.NEWEST:
        temp_table(conn, "newest", f"{person_tables.keep_newest_per_member_sql('kept')}")
        newest = "newest"
    newest_rows = count(conn, f"SELECT * FROM {newest}")  # noqa: S608
    written, scrubbed = 0, dict[str, int]()
    if store:
        written, scrubbed = _write_warehouse(
            conn, spec, newest, inputs.policy, window.run_date, extras, scope, scanner,
            inputs.pseudonymizer,
        )  # fmt: skip
    reasons = dict(
        conn.sql("SELECT _reason, count(*) FROM rejected GROUP BY ALL ORDER BY 1").fetchall()
    )
    quarantine_kept = write_quarantine(conn, spec, inputs.quarantine, scope)
    examples = [
        f"{f} row {r}: {why}"
        for f, r, why in conn.sql(
            "SELECT _source_file, _source_row, _reason FROM rejected ORDER BY ALL LIMIT 5"
        ).fetchall()
    ]
    counts = RowCounts(
        read=read,
        accepted=accepted,
        quarantined=sum(reasons.values()),
        erased=erased,
        superseded=kept_rows - newest_rows,
        written=written,
        quarantine_kept=quarantine_kept,
        quarantined_erased=count(conn, "SELECT * FROM rejected WHERE _erased"),
    )
    for table in CHUNK_TABLES:  # else a day's copies live on into the next day's (and spill)
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    return TableLoad(counts, reasons, examples, scrubbed)


CHUNK_TABLES = ("rejected", "kept", "newest", "shaped")  # temp tables of one chunk


def _write_warehouse(
    conn: Engine,
    spec: TableSpec,
    source: str,
    policy: PolicyConfig,
    run_date: dt.date,
    extras: list[str],
    scope: TimeScope | None,
    scanner: TextScanner,
    pseudonymizer: Pseudonymizer,
) -> tuple[int, dict[str, int]]:
    g = policy.generalization_rules()
    if scope is None:  # the members table, and its deny-list from the same rows
        shaped = person_tables.members_sql(
            source, "pseudonyms", run_date, g, policy.purpose_rules(), extras
        )
        conn.execute(f"CREATE OR REPLACE TABLE {spec.name} AS {shaped}")
        store_known_members(conn, source, "pseudonyms", pseudonymizer)
        return count(conn, f"SELECT * FROM {spec.name}"), {}  # noqa: S608
    temp_table(conn, "shaped", person_tables.events_sql(spec, source, "pseudonyms", g, extras))
    conn.execute(f"DROP TABLE {source}")  # shaped holds what is kept of it: one copy, not two
    free_text = FREE_TEXT.get(spec.name, {})
    scrubbed = scrub_columns(conn, "shaped", free_text, scanner)
    in_scope = (
        f"event_date >= {literal(scope.start.date())} AND event_date < {literal(scope.end.date())}"
    )
    conn.execute(f"CREATE TABLE IF NOT EXISTS {spec.name} AS SELECT * FROM shaped LIMIT 0")  # noqa: S608
    for column in (*extras, *free_text):  # columns a warehouse of an older version lacks
        conn.execute(f"ALTER TABLE {spec.name} ADD COLUMN IF NOT EXISTS {ident(column)} VARCHAR")
    conn.execute("BEGIN")
    conn.execute(f"DELETE FROM {spec.name} WHERE {in_scope}")  # noqa: S608
    conn.execute(f"INSERT INTO {spec.name} BY NAME SELECT * FROM shaped")  # noqa: S608
    conn.execute("COMMIT")
    return count(conn, f"SELECT * FROM {spec.name} WHERE {in_scope}"), dict(scrubbed)  # noqa: S608
