"""The privacy ledger (P5, P6): every release, what it cost, and every answer it drew.

`ledger.duckdb` lives beside the outbox, never in it, and opens in the operators' DuckDB CLI:
`.venv/bin/duckdb -readonly data/ledger.duckdb -c 'FROM releases'`. Stored answers make a
question asked again cost nothing and return the same numbers. A release is written `pending`
with its answers in one transaction, its folder is renamed into the outbox, then it is marked
`landed`; `reconcile` settles a crash in between (folder present: landed; absent: forgotten,
charge and answers with it), so a release is either delivered and charged, or neither.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from runtime import paths
from runtime.engine.duck import CLI_STORAGE, columns, open_database
from runtime.engine.interface import Engine
from runtime.releases.records import COMMENTS, SCHEMA, NewAnswer, ReleaseRecord, StoredAnswer
from transforms.sql import literal


class Ledger:
    """The ledger file under the data root; every use holds an exclusive lock, so two runs
    never both spend the same budget."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = paths.ledger_path(root)
        self.lock_path = self.path.with_suffix(".lock")

    @contextlib.contextmanager
    def open(self) -> Iterator[Engine]:
        """A connection to the settled ledger, under the lock, closed afterwards."""
        paths.data_root_dir(self.root)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, paths.PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with open_database(self.root) as conn:
                conn.execute(
                    f"ATTACH {literal(str(self.path))} AS ledger (STORAGE_VERSION '{CLI_STORAGE}')"
                )
                conn.execute("USE ledger")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                for what, text in COMMENTS.items():
                    conn.execute(f"COMMENT ON {what} IS {literal(text)}")
                self.path.chmod(paths.PRIVATE_FILE)
                reconcile(conn, self.root)
                yield conn
        finally:
            os.close(fd)

    # --- reading ------------------------------------------------------------------------

    @staticmethod
    def spent(conn: Engine, consumer: str, month: str) -> float:
        rows = conn.execute(
            "SELECT COALESCE(sum(epsilon), 0) FROM releases WHERE consumer = ? "
            "AND budget_month = ?",
            [consumer, month],
        ).fetchall()
        return float(rows[0][0])

    @staticmethod
    def stored(
        conn: Engine, consumer: str, keys: list[str], erased_members: int
    ) -> dict[str, StoredAnswer]:
        """Answers to `keys` drawn when as many members were erased as now: an answer drawn
        before a later erasure counts members since deleted and is not reused."""
        where = "consumer = ? AND list_contains(?, query_key) AND erased_members = ?"
        params = [consumer, keys, erased_members]
        found = conn.execute(
            "SELECT query_key, release_id, epsilon, sensitivity, scale, ci95 FROM answers "  # noqa: S608
            f"WHERE {where}",
            params,
        ).fetchall()
        cells: dict[str, dict[str, int]] = {key: {} for key, *_ in found}
        for key, cell, value in conn.execute(
            f"SELECT query_key, cell, value FROM answer_cells WHERE {where}",  # noqa: S608
            params,
        ).fetchall():
            cells[key][cell] = int(value)
        return {
            key: StoredAnswer(e, s, sc, ci, cells[key], release_id=r)
            for key, r, e, s, sc, ci in found
        }

    @staticmethod
    def release_with_question(
        conn: Engine, consumer: str, question_key: str
    ) -> tuple[str, str] | None:
        """(release id, folder relative to the data root) of a delivered release."""
        rows = conn.execute(
            "SELECT release_id, folder FROM releases WHERE consumer = ? AND question_key = ? "
            "AND status = 'landed' ORDER BY created_at LIMIT 1",
            [consumer, question_key],
        ).fetchall()
        return (rows[0][0], rows[0][1]) if rows else None

    @staticmethod
    def delivered_folder(conn: Engine, release_id: str) -> str | None:
        """The outbox folder (relative to the data root) of a landed release."""
        rows = conn.execute(
            "SELECT folder FROM releases WHERE release_id = ? AND status = 'landed'",
            [release_id],
        ).fetchall()
        return rows[0][0] if rows else None

    # --- writing ------------------------------------------------------------------------

    @staticmethod
    def record_pending(conn: Engine, r: ReleaseRecord, answers: list[NewAnswer]) -> None:
        """The release and its new answers, charged, in one transaction."""
        conn.execute("BEGIN")
        try:
            conn.execute(
                "INSERT INTO releases VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, 0.0, ?, ?, "
                "?, ?, ?, ?, ?)",
                [
                    r.release_id,
                    r.consumer,
                    r.kind,
                    r.question_key,
                    r.question,
                    *r.period,
                    r.budget_month,
                    r.epsilon,
                    r.k,
                    r.row_count,
                    json.dumps(r.files),
                    r.created_at,
                    str(r.folder),
                    str(r.draft_folder),
                    r.erased_members,
                ],
            )
            for a in answers:
                conn.execute(
                    "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        r.consumer,
                        a.query_key,
                        r.release_id,
                        a.label,
                        a.question,
                        a.epsilon,
                        a.sensitivity,
                        a.scale,
                        a.ci95,
                        r.erased_members,
                    ],
                )
                cells = pa.table({
                    "consumer": [r.consumer] * len(a.cells),
                    "query_key": [a.query_key] * len(a.cells),
                    "erased_members": pa.array([r.erased_members] * len(a.cells), pa.int64()),
                    "cell": list(a.cells),
                    "value": pa.array(list(a.cells.values()), pa.int64()),
                })  # fmt: skip
                conn.register("new_cells", cells)
                conn.execute("INSERT INTO answer_cells SELECT * FROM new_cells")
                conn.unregister("new_cells")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @staticmethod
    def mark_landed(conn: Engine, release_id: str) -> None:
        conn.execute("UPDATE releases SET status = 'landed' WHERE release_id = ?", [release_id])


def reconcile(conn: Engine, root: Path) -> list[str]:
    """Settle releases left `pending` by a crash; returns what was done, one line each.

    In the outbox: it landed. Still in staging: the rename never happened, so the charge and
    answers go and the draft with them. In neither (collected or moved before the ledger heard
    of it): it may have been seen, so it stays charged."""
    done = []
    pending = conn.execute(
        "SELECT release_id, folder, draft_folder FROM releases WHERE status = 'pending'"
    ).fetchall()
    for release_id, folder, draft_folder in pending:
        if (root / folder).is_dir() or not (root / draft_folder).is_dir():
            Ledger.mark_landed(conn, release_id)
            done.append(f"{release_id}: delivered (or gone from staging), kept charged")
            continue
        conn.execute("BEGIN")
        conn.execute(
            "DELETE FROM answer_cells WHERE EXISTS (SELECT 1 FROM answers a WHERE "
            "a.release_id = ? AND a.consumer = answer_cells.consumer AND "
            "a.query_key = answer_cells.query_key AND "
            "a.erased_members = answer_cells.erased_members)",
            [release_id],
        )
        conn.execute("DELETE FROM answers WHERE release_id = ?", [release_id])
        conn.execute("DELETE FROM releases WHERE release_id = ?", [release_id])
        conn.execute("COMMIT")
        discard(root / draft_folder)
        done.append(f"{release_id}: never reached the outbox, charge and answers removed")
    return done


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def ledger_rows(root: Path) -> tuple[list[str], list[tuple[object, ...]]]:
    """The delivered releases, for `python -m pipelines.cli ledger`."""
    with Ledger(root).open() as conn:
        cols = [c for c in columns(conn, "ledger") if c not in ("question", "files")]
        rows = conn.execute(f"SELECT {', '.join(cols)} FROM ledger").fetchall()  # noqa: S608
    return cols, rows
