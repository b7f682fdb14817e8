"""One table's trip from raw files to the warehouse, with every row accounted for.

raw files -> scoped rows -> validated -> quarantine | accepted -> erasure -> newest row ->
pseudonyms -> generalized -> warehouse. Temp tables live only in the step's connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from runtime.config.policy import PolicyConfig
from runtime.engine.duck import count, temp_table
from runtime.engine.interface import Engine
from runtime.ingest.column_classes import check_extra_columns
from runtime.ingest.quarantine import QuarantineFiles
from runtime.ingest.raw_source import RawSource
from runtime.storage import write_parquet
from runtime.warehouse.erasure import stage_erasure
from runtime.warehouse.known_members import store_known_members
from runtime.warehouse.pseudonyms import stage_pseudonym_map
from runtime.warehouse.scrubbing import scrub_columns
from transforms.contract import Dedupe, TableSpec
from transforms.ingest.reconciliation import RowCounts
from transforms.ingest.sources import TimeScope, extra_columns, raw_rows_sql
from transforms.ingest.validation import ValidationWindow, quarantine_columns, validate_rows_sql
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


def stage_raw(
    conn: Engine,
    spec: TableSpec,
    raw: RawSource,
    policy: PolicyConfig,
    scope: TimeScope | None,
    name: str,
    scanner: TextScanner,
) -> list[str]:
    """Create temp table `name` of the table's raw rows in scope; returns safe extra columns."""
    branches = raw.branches(conn, spec.name)
    classified = policy.unknown_columns.get(spec.name, {})
    check_extra_columns(conn, spec, branches, classified, scanner)
    extras = sorted({c for b in branches for c in extra_columns(spec, b, classified)})
    temp_table(conn, name, raw_rows_sql(spec, branches, extras, scope))
    return extras


def _write_quarantine(
    conn: Engine,
    spec: TableSpec,
    quarantine: QuarantineFiles,
    scope: TimeScope | None,
) -> int:
    """Rewrite the quarantine files this run owns; rows of erased members are not kept."""
    cols = ", ".join(quarantine_columns(spec))
    folder = quarantine.folder(spec.name)
    if scope is None:
        return write_parquet(
            conn,
            f"SELECT {cols} FROM rejected WHERE NOT _erased",  # noqa: S608
            folder / "all.parquet",
        )
    t = f"TRY_CAST({text(spec.time_column)} AS TIMESTAMP)"
    in_scope = f"{t} >= {literal(scope.start)} AND {t} < {literal(scope.end)}"
    day = f"CASE WHEN {in_scope} THEN strftime({t}, '%Y-%m-%d') ELSE 'unplaced' END"
    temp_table(
        conn,
        "rejected_sliced",
        f"SELECT *, {day} AS _slice FROM rejected WHERE NOT _erased",  # noqa: S608
    )
    slices = {r[0] for r in conn.sql("SELECT DISTINCT _slice FROM rejected_sliced").fetchall()}
    kept = 0
    for s in _slices_owned(scope):
        target = folder / f"{s}.parquet"
        if s in slices:
            kept += write_parquet(
                conn,
                f"SELECT {cols} FROM rejected_sliced WHERE _slice = {literal(s)}",  # noqa: S608
                target,
            )
        else:
            target.unlink(missing_ok=True)
    return kept


def _slices_owned(scope: TimeScope) -> list[str]:
    days = (scope.end.date() - scope.start.date()).days
    return [(scope.start.date() + dt.timedelta(d)).isoformat() for d in range(days)] + ["unplaced"]


def _stage_pseudonyms(conn: Engine, spec: TableSpec, pseudonymizer: Pseudonymizer) -> None:
    cols = ["member_id"] + ([spec.cookie_column] if spec.cookie_column else [])
    ids = " UNION ".join(f"SELECT {text(c)} AS v FROM kept" for c in cols)  # noqa: S608
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
    by `scanner`; returns its counts."""
    raw, quarantine, pseudonymizer, policy = (
        inputs.raw, inputs.quarantine, inputs.pseudonymizer, inputs.policy
    )  # fmt: skip
    stage_erasure(conn, raw, cookies=spec.cookie_column is not None)
    extras = stage_raw(conn, spec, raw, policy, scope, "scoped", scanner)
    is_erased = erasure.is_erased_row("erased_ids", "erased_cookies", spec.cookie_column)
    temp_table(
        conn,
        "checked",
        f"SELECT *, {is_erased} AS _erased FROM ({validate_rows_sql(spec, 'scoped', window)})",  # noqa: S608
    )
    temp_table(conn, "rejected", "SELECT * FROM checked WHERE _reason IS NOT NULL")
    temp_table(conn, "kept", "SELECT * FROM checked WHERE _reason IS NULL AND NOT _erased")
    kept_rows = count(conn, "SELECT * FROM kept")
    newest = "kept"
    if spec.dedupe is Dedupe.NEWEST:
        temp_table(conn, "newest", f"{person_tables.keep_newest_per_member_sql('kept')}")
        newest = "newest"
    written, scrubbed = 0, dict[str, int]()
    if store:
        _stage_pseudonyms(conn, spec, pseudonymizer)
        written, scrubbed = _write_warehouse(
            conn, spec, newest, policy, window.run_date, extras, scope, scanner, pseudonymizer
        )
    reasons = dict(
        conn.sql("SELECT _reason, count(*) FROM rejected GROUP BY ALL ORDER BY 1").fetchall()
    )
    quarantine_kept = _write_quarantine(conn, spec, quarantine, scope)
    examples = [
        f"{f} row {r}: {why}"
        for f, r, why in conn.sql(
            "SELECT _source_file, _source_row, _reason FROM rejected ORDER BY ALL LIMIT 5"
        ).fetchall()
    ]
    counts = RowCounts(
        read=count(conn, "SELECT * FROM scoped"),
        accepted=count(conn, "SELECT * FROM checked WHERE _reason IS NULL"),
        quarantined=sum(reasons.values()),
        erased=count(conn, "SELECT * FROM checked WHERE _reason IS NULL AND _erased"),
        superseded=kept_rows - count(conn, f"SELECT * FROM {newest}"),  # noqa: S608
        written=written,
        quarantine_kept=quarantine_kept,
        quarantined_erased=count(conn, "SELECT * FROM rejected WHERE _erased"),
    )
    return TableLoad(counts, reasons, examples, scrubbed)


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
