"""Issue 12: nothing person-level is readable by another user, during a run, after it, and when
the engine spills; and a mistyped or empty data root gets an error, not fake data."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import cli
from runtime.engine import scratch
from runtime.engine.duck import open_database, scratch_dir
from runtime.storage import exposed_files
from tests.adversarial.sweep import open_to_others
from tests.pipelines import planted
from tests.pipelines.conftest import query

pytestmark = pytest.mark.adversarial


class Watcher(threading.Thread):
    """Lists every entry open to others, as often as it can, while a run goes on."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root, self.seen, self.done, self.sweeps = root, set(), threading.Event(), 0

    def run(self) -> None:
        while not self.done.is_set():
            if self.root.is_dir():
                self.seen.update(open_to_others(self.root))
                self.sweeps += 1
            time.sleep(0.01)


def test_nothing_but_the_marts_is_open_to_others_during_and_after_a_run(env) -> None:
    planted.plant(env)
    watcher = Watcher(env)
    watcher.start()
    try:
        assert cli.main(["run"]) == 0
    finally:
        watcher.done.set()
        watcher.join()
    assert watcher.sweeps > 10 and watcher.seen == set()
    assert open_to_others(env) == []
    assert (env / "dagster_home").is_dir() and (env / "outbox").is_dir()  # swept, not absent
    assert not any((env / "scratch").iterdir())  # every step's scratch removed


def test_control_a_file_created_open_is_seen_and_fails_the_check(env) -> None:
    planted.plant(env)
    assert cli.main(["run"]) == 0
    leaked = env / "outbox" / "left.csv"
    leaked.write_text("x")
    leaked.chmod(0o644)
    assert open_to_others(env) == ["outbox/left.csv"]
    assert exposed_files(env)[1] == ["outbox/left.csv"]  # what person_level_files_private reads


def test_the_engines_spill_stays_private_and_goes_with_its_connection(tmp_path) -> None:
    root = tmp_path / "data"
    with open_database(root, config={"memory_limit": "64MB", "threads": 1}) as conn:
        spill = scratch_dir(conn) / "spill"
        conn.execute(
            "CREATE TEMP TABLE big AS SELECT range AS i, md5(range::VARCHAR) || repeat('x', 200) "
            "AS s FROM range(2000000)"
        )
        conn.execute("SELECT i, s FROM big ORDER BY s DESC").fetchmany(1)
        spilled = [p for p in spill.rglob("*")] if spill.exists() else []
        assert spilled, "the engine never spilled: the test proves nothing"
        assert all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in [spill, *spilled])
    assert not spill.exists() and not any((root / "scratch").iterdir())


def test_scratch_left_by_a_killed_process_is_removed_on_the_next_start(tmp_path) -> None:
    root = tmp_path / "data"
    left = root / "scratch" / "deadbeef"
    left.mkdir(parents=True)
    (left / "warehouse.duckdb.rewrite").write_bytes(b"a whole warehouse")
    (left / scratch.LOCK).touch()  # its owner held the lock until it was killed
    os.utime(left, (time.time() - 120, time.time() - 120))  # a while ago
    with open_database(root) as conn:
        conn.execute("SELECT 1").fetchall()
        assert not left.exists()
    assert not any((root / "scratch").iterdir())


def test_a_live_scratch_folder_is_not_removed_by_another_start(tmp_path) -> None:
    root = tmp_path / "data"
    with open_database(root) as first:
        mine = scratch_dir(first)
        with open_database(root):
            assert mine.exists()


def test_production_refuses_an_empty_raw_folder_and_generates_nothing(env, monkeypatch, capsys):
    monkeypatch.setenv("PIPELINE_ENV", "production")
    assert cli.main(["run", "--sample-data"]) == 2
    assert "PIPELINE_ENV=production" in capsys.readouterr().err
    assert not (env / "raw").exists() and not (env / "warehouse.duckdb").exists()


def test_a_mistyped_data_root_gets_an_error_not_sample_data(env, capsys) -> None:
    assert cli.main(["run"]) == 2
    assert "--sample-data" in capsys.readouterr().err
    assert not (env / "raw").exists()


@pytest.mark.parametrize("key", ["short", " " * 40, "x" * 31])
def test_a_key_too_short_is_refused_before_anything_runs(env, monkeypatch, capsys, key) -> None:
    planted.plant(env)
    monkeypatch.setenv("PIPELINE_PSEUDONYM_KEY", key)
    assert cli.main(["run"]) == 2
    assert "at least 32 characters" in capsys.readouterr().err
    assert not (env / "warehouse.duckdb").exists() and not (env / "dagster_home").exists()


def test_a_corrupt_parquet_stops_its_table_in_one_line_and_deletions_still_apply(env, capsys):
    planted.plant(env)
    assert cli.main(["run"]) == 0
    before = query(env, "SELECT count(*) FROM members")[0][0]
    planted.request_deletion(env, "u_leaver")
    (env / "raw" / "visits" / "part-9.parquet").write_bytes(b"PAR1" + b"\x00" * 64)  # truncated
    capsys.readouterr()
    assert cli.main(["run"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "part-9.parquet" in x)
    assert "raw/visits/part-9.parquet is not a readable Parquet file" in line
    assert "deletions applied" in out
    assert query(env, "SELECT count(*) FROM members")[0][0] == before - 1


def test_engine_messages_never_reach_the_caller(tmp_path) -> None:
    """The engine quotes the value that failed a cast; what leaves is the kind of failure."""
    from runtime.engine.duck import EngineError

    with pytest.raises(EngineError) as e, open_database(tmp_path / "data") as conn:
        conn.execute("SELECT CAST('zq9canarySECRET' AS INTEGER)")
    assert "zq9canarySECRET" not in str(e.value) and "Conversion Error" in str(e.value)
    assert e.value.__cause__ is None and e.value.__suppress_context__
    with pytest.raises(duckdb.Error, match="zq9canarySECRET"):  # control: what it withholds
        duckdb.connect().execute("SELECT CAST('zq9canarySECRET' AS INTEGER)")


def test_a_text_split_into_several_statements_runs_none_of_them(tmp_path) -> None:
    """The backstop behind quoting: what the column-name payload became, refused whole."""
    from runtime.engine.duck import EngineError

    target = tmp_path / "stolen.csv"
    text = f"SELECT CAST(1 AS VARCHAR); COPY (SELECT 1) TO '{target}' (FORMAT csv); SELECT 1"
    with (
        pytest.raises(EngineError, match="more than one statement"),
        open_database(tmp_path / "data") as conn,
    ):
        conn.sql(text)
    assert not target.exists()
    duckdb.connect().sql(text)  # control: a bare connection runs all three
    assert target.exists()
