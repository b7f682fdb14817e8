"""Issue 12: SIGKILL at several points of a real run, then run again.

Each test starts the product as an operator does (`python -m pipelines.cli run` in a child
process, in its own session so that the PII workers it may spawn die with it) on the planted
population, watches the run's own traces (the Dagster event log the run writes under its data
root, the console, and the files it makes under scratch/ and outbox/) and SIGKILLs the whole
process group when the chosen point is reached, after a small delay drawn from a seeded RNG.

After the kill nothing under the data root but marts.duckdb may be open to group or others
(P7). A second, complete run must then exit 0 and leave everything as an uninterrupted run on
the same planted data does (a module-wide reference): no scratch left, the warehouse and the
marts equal to the reference's table by table, no partial release in the outbox, every release
recorded as landed and no budget charged twice (P5, P6); for a kill during erasure, no byte of
the deleted member in the warehouse or quarantine (P4).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from runtime.storage import exposed_files
from runtime.warehouse.links import LINKED_PARTS
from tests.adversarial.conftest import on_engine
from tests.adversarial.sweep import canary_hits, open_to_others
from tests.pipelines import planted
from tests.pipelines.conftest import KEY
from tests.pipelines.test_deletion import found_in_bytes

pytestmark = [pytest.mark.adversarial]

REPO = Path(__file__).resolve().parents[2]
CLI_RUN = [sys.executable, "-m", "pipelines.cli", "run"]
RUN_TIMEOUT = 240.0  # seconds for one CLI run; a planted run takes 10-25 s
LEAVER = "u_leaver"
LEAVER_RAW = [LEAVER, planted.MEMBERS[LEAVER]["email"]]
INGEST_STEPS = {
    "members_pseudonymized",
    "visits_pseudonymized",
    "orders_pseudonymized",
    "survey_responses_pseudonymized",
    "ad_events_pseudonymized",
}
STEP_START_LINE = re.compile(r'STEP_START - Started execution of step "([^"]+)"')


# --- running the product -------------------------------------------------------------------


def cli_env(root: Path) -> dict[str, str]:
    """The operator's environment: the data root and the key; no DAGSTER_HOME (the CLI sets it
    under the root) and no PIPELINE_ENV."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DAGSTER_HOME", "PIPELINE_ENV", "PIPELINE_DATA", "PIPELINE_PSEUDONYM_KEY"}
    }
    return {**env, "PIPELINE_DATA": str(root), "PIPELINE_PSEUDONYM_KEY": KEY}


def logs_of(root: Path) -> Path:
    """The child's console goes beside the data root, never into it (it would be swept)."""
    folder = root.parent / "console"
    folder.mkdir(exist_ok=True)
    return folder


def run_to_completion(root: Path, label: str) -> str:
    """One complete `run`; it must exit 0. Returns its stdout."""
    out, err = logs_of(root) / f"{label}.out", logs_of(root) / f"{label}.err"
    with out.open("wb") as o, err.open("wb") as e:
        rc = subprocess.run(
            CLI_RUN, cwd=REPO, env=cli_env(root), stdout=o, stderr=e, timeout=RUN_TIMEOUT
        ).returncode
    stdout = out.read_text(errors="replace")
    assert rc == 0, (
        f"{label}: exit {rc}\n{stdout[-3000:]}\n{err.read_text(errors='replace')[-3000:]}"
    )
    return stdout


class EventLog:
    """Dagster's own record of the child's runs, read while it writes (SQLite in WAL mode, so a
    reader never blocks it), plus any STEP_START line the console prints."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "dagster_home" / "history" / "runs"
        self.skip = set(self._run_dbs())  # runs of earlier, complete invocations
        self.last_id: dict[Path, int] = {}
        self.events: list[tuple[str, str | None]] = []
        self.console_started: list[str] = []
        self._next = 0.0

    def _run_dbs(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.db") if p.name != "index.db")

    def poll(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self._next:
            return
        self._next = now + 0.005
        for db in self._run_dbs():
            if db in self.skip:
                continue
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.5)
                try:
                    rows = conn.execute(
                        "SELECT id, dagster_event_type, step_key FROM event_logs WHERE id > ? "
                        "AND dagster_event_type IS NOT NULL ORDER BY id",
                        (self.last_id.get(db, 0),),
                    ).fetchall()
                finally:
                    conn.close()
            except sqlite3.Error:  # being created: read it next time
                continue
            for row_id, kind, step in rows:
                self.last_id[db] = row_id
                self.events.append((kind, step))

    def started(self, step: str) -> bool:
        self.poll()
        return step in self.console_started or ("STEP_START", step) in self.events

    def steps(self, kind: str) -> set[str]:
        return {s for k, s in self.events if k == kind and s}


def scratch_files(root: Path, name: str) -> list[Path]:
    base = root / "scratch"
    try:
        with os.scandir(base) as entries:
            folders = [Path(e.path) for e in entries]
    except FileNotFoundError:
        return []
    return [f / name for f in folders if (f / name).exists()]


@dataclass(frozen=True)
class Point:
    """Where to kill: `reached` polls the run's traces; then a seeded delay in `delay`."""

    name: str
    reached: Callable[[Path, EventLog], bool]
    delay: tuple[float, float]
    # what must hold right after the kill, to show the kill landed where it was meant to
    landed: Callable[[Path, EventLog], str | None]
    after_deletion: bool = False  # a complete run first, then u_leaver asks to be deleted


@dataclass
class Killed:
    point: Point
    delay: float
    returncode: int
    log: EventLog
    left_scratch: list[str] = field(default_factory=list)
    survivors: list[int] = field(default_factory=list)
    ledger_at_kill: list[tuple[Any, ...]] = field(default_factory=list)


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def run_and_kill(root: Path, point: Point, label: str) -> Killed:
    rng = random.Random(f"issue-12-kill-{point.name}")
    delay = rng.uniform(*point.delay)
    log = EventLog(root)
    out = (logs_of(root) / f"{label}.out").open("wb")
    proc = subprocess.Popen(
        CLI_RUN,
        cwd=REPO,
        env=cli_env(root),
        stdout=out,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    err_lines: list[str] = []

    def read_stderr() -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode(errors="replace")
            err_lines.append(line)
            if m := STEP_START_LINE.search(line):
                log.console_started.append(m.group(1))

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    deadline = time.monotonic() + RUN_TIMEOUT
    try:
        while not point.reached(root, log):
            if proc.poll() is not None:
                pytest.fail(
                    f"{point.name}: the run ended (exit {proc.returncode}) before the point was "
                    f"reached\n{''.join(err_lines)[-3000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"{point.name}: not reached in {RUN_TIMEOUT} s")
            time.sleep(0.0005)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        reader.join(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()
        out.close()
        (logs_of(root) / f"{label}.err").write_text("".join(err_lines))
    survivors = []
    for _ in range(100):  # spawned workers die with the group (reaped by init meanwhile)
        survivors = group_members(proc.pid)
        if not survivors:
            break
        time.sleep(0.05)
    log.poll(force=True)
    base = root / "scratch"
    left = sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    return Killed(point, delay, proc.returncode, log, left, survivors, ledger_rows(root))


# --- what a run left --------------------------------------------------------------------------


def table_rows(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every table of a database: (column names, rows in a canonical order), opened read-only."""
    conn = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        out = {}
        for t in names:
            result = conn.execute(f'SELECT * FROM "{t}" ORDER BY ALL')
            cols = [d[0] for d in result.description]
            out[t] = (cols, result.fetchall())
        return out
    finally:
        conn.close()


def ledger_rows(root: Path) -> list[tuple[Any, ...]]:
    """(consumer, status, epsilon, budget_month, folder) of every release, read-only."""
    path = root / "ledger.duckdb"
    if not path.exists():
        return []
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:  # after a kill: say so, the rerun settles it
        return [("unreadable", type(exc).__name__)]
    try:
        return conn.execute(
            "SELECT consumer, status, epsilon, budget_month, folder FROM releases ORDER BY ALL"
        ).fetchall()
    finally:
        conn.close()


def budget_charged(root: Path) -> dict[tuple[str, str], float]:
    """Epsilon charged per (consumer, budget month)."""
    sums: dict[tuple[str, str], float] = {}
    for consumer, _, epsilon, month, _ in ledger_rows(root):
        sums[(consumer, month)] = sums.get((consumer, month), 0.0) + epsilon
    return sums


@dataclass(frozen=True)
class Snapshot:
    warehouse: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    marts: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    budget: dict[tuple[str, str], float]
    releases_per_consumer: dict[str, int]


def snapshot(root: Path) -> Snapshot:
    per_consumer: dict[str, int] = {}
    for consumer, *_ in ledger_rows(root):
        per_consumer[consumer] = per_consumer.get(consumer, 0) + 1
    return Snapshot(
        table_rows(root / "warehouse.duckdb"),
        table_rows(root / "marts.duckdb"),
        budget_charged(root),
        per_consumer,
    )


def outbox_problems(root: Path) -> list[str]:
    """A delivered folder without its manifest, a file not as the manifest says, a folder the
    ledger does not record as landed (or with other checksums), a landed release not there."""
    problems = []
    landed: dict[str, dict[str, str]] = {}
    conn = duckdb.connect(str(root / "ledger.duckdb"), read_only=True)
    try:
        for folder, status, files in conn.execute(
            "SELECT folder, status, files FROM releases"
        ).fetchall():
            if status != "landed":
                problems.append(f"{folder}: ledger status {status}")
            landed[folder] = json.loads(files)
    finally:
        conn.close()
    outbox = root / "outbox"
    delivered = sorted(p for c in outbox.iterdir() for p in c.iterdir()) if outbox.is_dir() else []
    for rel in delivered:
        name = str(rel.relative_to(root))
        manifest = rel / "manifest.json"
        if not manifest.is_file():
            problems.append(f"{name}: no manifest.json")
            continue
        listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        present = {p.name for p in rel.iterdir()} - {"manifest.json"}
        if set(listed) != present:
            problems.append(
                f"{name}: manifest lists {sorted(listed)}, folder holds {sorted(present)}"
            )
        for f, meta in listed.items():
            p = rel / f
            if not p.is_file():
                problems.append(f"{name}/{f}: listed, missing")
            elif hashlib.sha256(p.read_bytes()).hexdigest() != meta["sha256"]:
                problems.append(f"{name}/{f}: sha256 differs from the manifest")
        if name not in landed:
            problems.append(f"{name}: in the outbox, not in the ledger")
        elif landed[name] != {f: m["sha256"] for f, m in listed.items()}:
            problems.append(f"{name}: the ledger's checksums differ from the manifest's")
    problems += [
        f"{f}: landed in the ledger, not in the outbox" for f in landed if not (root / f).is_dir()
    ]
    return problems


def staged_leftovers(root: Path) -> list[str]:
    staging = root / "release_staging"
    if not staging.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in staging.rglob("*") if p.is_file())


def assert_recovered(root: Path, killed: Killed, reference: Snapshot) -> None:
    """After the rerun: as if the kill never happened."""
    scratch = root / "scratch"
    assert [p.name for p in scratch.iterdir()] == [], "scratch left after a complete run"
    assert not any((scratch / f).exists() for f in killed.left_scratch)
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*.rewrite")) == []
    assert open_to_others(root) == []
    got = snapshot(root)
    assert set(got.warehouse) == set(reference.warehouse)
    for t, rows in reference.warehouse.items():
        if t == LINKED_PARTS:  # the raw files' sizes and times, in each root its own
            continue
        assert got.warehouse[t] == rows, f"warehouse table {t} differs from the reference"
    assert set(got.marts) == set(reference.marts)
    for t, rows in reference.marts.items():
        assert got.marts[t] == rows, f"mart {t} differs from the reference"
    assert outbox_problems(root) == []
    assert staged_leftovers(root) == []  # nothing drafted waits, nothing delivered stays staged
    statuses = {status for _, status, *_ in ledger_rows(root)}
    assert statuses == {"landed"}, f"ledger statuses {statuses}"
    assert got.budget == reference.budget, "budget charged differs from an uninterrupted run"
    assert got.releases_per_consumer == reference.releases_per_consumer


# --- the points ---------------------------------------------------------------------------------


def before_success_of(done: str) -> Callable[[Path, EventLog], str | None]:
    """The kill landed before step `done` succeeded."""

    def landed(_root: Path, log: EventLog) -> str | None:
        if done in log.steps("STEP_SUCCESS"):
            return f"{done} had already succeeded"
        return None

    return landed


def left_in_scratch(name: str) -> Callable[[Path, EventLog], str | None]:
    def landed(root: Path, _log: EventLog) -> str | None:
        return None if scratch_files(root, name) else f"no scratch/*/{name} left by the kill"

    return landed


def ingest_only(root: Path, log: EventLog) -> str | None:
    later = log.steps("STEP_START") - INGEST_STEPS
    return f"steps after ingest had started: {sorted(later)}" if later else None


def outbox_entry(consumer: str, inside: bool) -> Callable[[Path, EventLog], bool]:
    def reached(root: Path, _log: EventLog) -> bool:
        folder = root / "outbox" / consumer
        if not inside:
            return folder.is_dir()
        try:
            with os.scandir(folder) as entries:
                return any(True for _ in entries)
        except FileNotFoundError:
            return False

    return reached


POINTS = [
    Point(
        "ingest-members",
        lambda root, log: log.started("members_pseudonymized"),
        (0.0, 0.2),
        ingest_only,
    ),
    Point(
        "erasure-rewrite",  # member_erasure copying the warehouse into a fresh file
        lambda root, log: bool(scratch_files(root, "warehouse.duckdb.rewrite")),
        (0.0, 0.0),
        left_in_scratch("warehouse.duckdb.rewrite"),
        after_deletion=True,
    ),
    Point(
        "publication-build",  # published_marts building marts.duckdb in scratch
        lambda root, log: bool(scratch_files(root, "marts.duckdb")),
        (0.0, 0.0),
        left_in_scratch("marts.duckdb"),
    ),
    Point(
        "delivery-outbox-made",  # outbox/demo_partner/ made just before the charge and rename
        outbox_entry("demo_partner", inside=False),
        (0.0, 0.0),
        before_success_of("demo_partner_release"),
    ),
    Point(
        "delivery-renamed",  # the folder is in the outbox: the ledger may still say pending
        outbox_entry("demo_partner", inside=True),
        (0.0, 0.0),
        before_success_of("demo_partner_release"),
    ),
]


# --- the reference ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    plain: Snapshot  # one complete run on the planted data
    after_deletion: Snapshot  # then u_leaver's deletion request, and a second complete run
    leaver_outside_raw: list[str]  # where the leaver's raw values are after the second run


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """Uninterrupted runs on DuckDB: a Spark run must end as they do (parity holds them equal)."""
    root = tmp_path_factory.mktemp("reference") / "data"
    with pytest.MonkeyPatch.context() as monkeypatch:
        on_engine(monkeypatch, "duckdb")
        planted.plant(root)
        run_to_completion(root, "reference-1")
        plain = snapshot(root)
        planted.request_deletion(root, LEAVER)
        run_to_completion(root, "reference-2")
    return Reference(plain, snapshot(root), canary_hits(root, LEAVER_RAW, allowed=("raw",)))


def fresh_root(tmp_path: Path, point: Point) -> Path:
    root = tmp_path / "data"
    planted.plant(root)  # raw/ present: the CLI never generates sample data here
    if point.after_deletion:
        run_to_completion(root, "before-the-deletion")
        assert "member pseudonym" in found_in_bytes(root)  # control: the bytes are there
        planted.request_deletion(root, LEAVER)
    return root


# --- the tests ----------------------------------------------------------------------------------


# Ingest and delivery are the same DuckDB steps on both engines; Spark runs its own code where
# the marts are built and where an erasure must reach its Parquet copy of the warehouse.
ON_SPARK = ("erasure-rewrite", "publication-build")
CASES = [pytest.param(p, "duckdb", id=p.name) for p in POINTS] + [
    pytest.param(p, "spark", id=f"{p.name}-spark") for p in POINTS if p.name in ON_SPARK
]


@pytest.mark.parametrize(("point", "engine"), CASES)
def test_a_run_killed_leaves_nothing_open_and_the_next_run_recovers(
    tmp_path: Path, reference: Reference, point: Point, engine: str, monkeypatch
) -> None:
    on_engine(monkeypatch, engine)
    root = fresh_root(tmp_path, point)
    killed = run_and_kill(root, point, "killed")
    assert killed.returncode == -signal.SIGKILL, f"the run was not killed: {killed.returncode}"
    assert killed.survivors == [], f"processes of the killed run still alive: {killed.survivors}"
    where = point.landed(root, killed.log)
    assert where is None, f"{point.name}: the kill missed its point ({where})"
    print(  # for the record: where it landed
        f"\n{point.name}: delay {killed.delay:.3f} s, steps started "
        f"{sorted(killed.log.steps('STEP_START'))}, scratch left {killed.left_scratch}, "
        f"ledger at the kill {killed.ledger_at_kill}"
    )

    assert open_to_others(root) == []  # P7, while the killed run's leftovers lie there

    run_to_completion(root, "rerun")
    expected = reference.after_deletion if point.after_deletion else reference.plain
    assert_recovered(root, killed, expected)
    if point.after_deletion:  # P4: the deletion the killed run was applying, applied
        assert found_in_bytes(root) == set()
        wal = root / "warehouse.duckdb.wal"
        assert not wal.exists() or not any(v.encode() in wal.read_bytes() for v in LEAVER_RAW)
        assert reference.leaver_outside_raw == []  # an uninterrupted run keeps none either
        assert canary_hits(root, LEAVER_RAW, allowed=("raw",)) == []


def test_control_a_leftover_opened_to_others_is_reported(tmp_path: Path) -> None:
    """The permission sweep above can fail: a file the killed run left, opened up, is seen,
    by the sweep and by the product's own check (person_level_files_private reads it)."""
    point = next(p for p in POINTS if p.name == "ingest-members")
    root = fresh_root(tmp_path, point)
    killed = run_and_kill(root, point, "killed")
    assert killed.returncode == -signal.SIGKILL
    assert open_to_others(root) == []
    left = next(iter(killed.log.last_id))  # the killed run's own event log, under the root
    left.chmod(0o644)
    assert open_to_others(root) == [str(left.relative_to(root))]
    assert exposed_files(root)[1] == [str(left.relative_to(root))]
