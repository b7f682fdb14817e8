"""The privacy ledger on a real data root: charges, stored answers, and crash settlement."""

from __future__ import annotations

import datetime as dt
import stat
import threading
import time
from pathlib import Path

from runtime import paths
from runtime.releases.ledger import Ledger, reconcile
from runtime.releases.records import NewAnswer, ReleaseRecord

MARCH = dt.datetime(2026, 3, 10, 12, 0)


def record(
    release_id: str,
    consumer: str = "acme",
    epsilon: float = 0.5,
    created_at: dt.datetime = MARCH,
    erased: int = 0,
    question_key: str = "q-segments",
) -> ReleaseRecord:
    return ReleaseRecord(
        release_id, consumer, "partner", question_key, '{"q": 1}',
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)), epsilon, 50, 2, {"a.csv": "0" * 64},
        created_at, Path("outbox") / consumer / release_id,
        Path("release_staging") / consumer / f"run-{release_id}" / "release", erased,
    )  # fmt: skip


def answer(key: str, cells: dict[str, int], epsilon: float = 0.25) -> NewAnswer:
    return NewAnswer(
        epsilon, 1, 4.0, 12.0, cells, query_key=key, label=f"label {key}", question="{}"
    )


def charge(root: Path, r: ReleaseRecord, answers: list[NewAnswer], land: bool = True) -> None:
    with Ledger(root).open() as conn:
        Ledger.record_pending(conn, r, answers)
        if land:
            Ledger.mark_landed(conn, r.release_id)


def status(root: Path, release_id: str) -> str | None:
    with Ledger(root).open() as conn:
        rows = conn.execute(
            "SELECT status FROM releases WHERE release_id = ?", [release_id]
        ).fetchall()
    return rows[0][0] if rows else None


def test_a_fresh_ledger_opens_owner_only(tmp_path: Path) -> None:
    with Ledger(tmp_path).open() as conn:
        assert Ledger.spent(conn, "acme", "2026-03") == 0.0
    ledger = paths.ledger_path(tmp_path)
    assert ledger.is_file()
    assert stat.S_IMODE(ledger.stat().st_mode) == paths.PRIVATE_FILE


def test_spent_sums_landed_charges_per_consumer_and_month(tmp_path: Path) -> None:
    charge(tmp_path, record("r1", epsilon=0.5), [answer("k1", {"c": 1})])
    charge(tmp_path, record("r2", epsilon=0.25), [answer("k2", {"c": 2})])
    charge(tmp_path, record("r3", consumer="other", epsilon=0.75), [answer("k1", {"c": 3})])
    with Ledger(tmp_path).open() as conn:
        assert Ledger.spent(conn, "acme", "2026-03") == 0.75
        assert Ledger.spent(conn, "other", "2026-03") == 0.75
        assert Ledger.spent(conn, "acme", "2026-04") == 0.0
        assert Ledger.spent(conn, "nobody", "2026-03") == 0.0


def test_stored_answers_return_for_the_same_erasures_only(tmp_path: Path) -> None:
    charge(tmp_path, record("r1", erased=2), [answer("k1", {"x": 10, "y": 20}), answer("k2", {})])
    with Ledger(tmp_path).open() as conn:
        found = Ledger.stored(conn, "acme", ["k1", "k3"], 2)
        assert set(found) == {"k1"}
        assert found["k1"].cells == {"x": 10, "y": 20}
        assert found["k1"].release_id == "r1"
        assert found["k1"].epsilon == 0.25
        assert Ledger.stored(conn, "acme", ["k1"], 3) == {}  # P4: a new erasure
        assert Ledger.stored(conn, "other", ["k1"], 2) == {}


def test_release_with_question_finds_landed_releases_only(tmp_path: Path) -> None:
    charge(tmp_path, record("r1", question_key="qa"), [])
    with Ledger(tmp_path).open() as conn:
        Ledger.record_pending(conn, record("r2", question_key="qb"), [])  # still pending
        assert Ledger.release_with_question(conn, "acme", "qa") == ("r1", "outbox/acme/r1")
        assert Ledger.release_with_question(conn, "other", "qa") is None
        assert Ledger.release_with_question(conn, "acme", "qb") is None


def test_delivered_folder(tmp_path: Path) -> None:
    charge(tmp_path, record("r1"), [])
    with Ledger(tmp_path).open() as conn:
        assert Ledger.delivered_folder(conn, "r1") == "outbox/acme/r1"
        assert Ledger.delivered_folder(conn, "missing") is None


def test_reconcile_lands_a_pending_release_in_the_outbox(tmp_path: Path) -> None:
    r = record("r1")
    (tmp_path / r.draft_folder).mkdir(parents=True)
    charge(tmp_path, r, [answer("k1", {"c": 1})], land=False)  # the draft holds it open
    (tmp_path / r.folder).mkdir(parents=True)  # the rename happened, then the crash
    with Ledger(tmp_path).open() as conn:
        assert Ledger.delivered_folder(conn, "r1") == "outbox/acme/r1"
        assert Ledger.spent(conn, "acme", "2026-03") == 0.5


def test_reconcile_forgets_a_release_still_in_staging(tmp_path: Path) -> None:
    r = record("r1")
    draft = tmp_path / r.draft_folder
    draft.mkdir(parents=True)
    (draft / "a.csv").write_text("x\n")
    with Ledger(tmp_path).open() as conn:
        Ledger.record_pending(conn, r, [answer("k1", {"c": 1})])
        done = reconcile(conn, tmp_path)
        assert done == ["r1: never reached the outbox, charge and answers removed"]
        assert Ledger.spent(conn, "acme", "2026-03") == 0.0
        assert Ledger.stored(conn, "acme", ["k1"], 0) == {}
        assert conn.execute("SELECT count(*) FROM answer_cells").fetchall() == [(0,)]
    assert not draft.exists()
    assert status(tmp_path, "r1") is None


def test_reconcile_keeps_charged_a_release_in_neither_place(tmp_path: Path) -> None:
    """Gone from staging without reaching the outbox: it may have been seen."""
    with Ledger(tmp_path).open() as conn:
        Ledger.record_pending(conn, record("r1"), [])
        assert reconcile(conn, tmp_path) == ["r1: delivered (or gone from staging), kept charged"]
    assert status(tmp_path, "r1") == "landed"


def test_two_opens_in_threads_take_turns(tmp_path: Path) -> None:
    entered = threading.Event()
    times: dict[str, float] = {}

    def first() -> None:
        with Ledger(tmp_path).open():
            entered.set()
            time.sleep(0.3)
            times["first_out"] = time.monotonic()

    def second() -> None:
        entered.wait(5)
        with Ledger(tmp_path).open():
            times["second_in"] = time.monotonic()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert set(times) == {"first_out", "second_in"}
    assert times["second_in"] >= times["first_out"]
