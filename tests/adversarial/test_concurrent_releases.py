"""Issue 12, finding 6: two runs releasing for one consumer at the same time. The second must
fail cleanly with a one-line message (or wait), never delete or corrupt the first one's draft,
and the budget is charged once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from pipelines.resources import ReleaseSettings
from runtime.releases.verify import manifest_problems
from tests.pipelines import planted_releases as pr
from tests.pipelines.conftest import run_main

pytestmark = pytest.mark.adversarial

# One release run of demo_partner in its own process, on an instance the two runs share (as
# every run under one DAGSTER_HOME does). Policy.load opens both the draft step and the check
# step, outside any database connection: there the runs wait for each other, so that the
# second drafts while the first's draft waits for its checks. "off" switches the protection
# off: every other draft is taken for a dead run's.
RUN = """
import json, sys, time
from pathlib import Path
import dagster as dg
from runtime.releases import staging as release_staging
from pipelines import resources
from pipelines.constants import RELEASE_JOB
from tests.pipelines import planted_releases as pr
from tests.pipelines.conftest import build_defs

root, config, home, signals, role, protected = sys.argv[1:7]
signals = Path(signals)

def wait_for(name):
    deadline = time.monotonic() + 120
    while not (signals / name).exists():
        if time.monotonic() > deadline:
            sys.exit(f"{role}: timed out waiting for {name}")
        time.sleep(0.05)

real_load, calls = resources.Policy.load, []
def load(self):
    calls.append(1)
    if role == "first" and len(calls) == 2:  # its check step: its draft is in staging
        (signals / "first_drafted").touch()
        wait_for("second_done")
    if role == "second" and len(calls) == 1:  # its draft step
        wait_for("first_drafted")
    return real_load(self)
resources.Policy.load = load
if protected == "off":
    release_staging.held_elsewhere = lambda draft: False

defs = build_defs(Path(root), releases=resources.ReleaseSettings(path=config))
keys = [dg.AssetKey("demo_partner_release_draft"), dg.AssetKey("demo_partner_release")]
result = defs.resolve_job_def(RELEASE_JOB).execute_in_process(
    partition_key=pr.MONTH, asset_selection=keys, raise_on_error=False,
    instance=dg.DagsterInstance.local_temp(tempdir=home),
)
def innermost(error):  # a step's own exception, under Dagster's wrapping of it
    while error.cause is not None:
        error = error.cause
    return {"cls": error.cls_name, "message": error.message}
failures = [innermost(e.event_specific_data.error) for e in result.get_step_failure_events()]
(signals / f"{role}.json").write_text(json.dumps({"success": result.success, "failures": failures}))
if role == "second":
    (signals / "second_done").touch()
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, engine: str) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("world")
    pr.plant(base / "data")
    config = pr.releases_config(base / "releases.yaml")
    run_main(base / "data", resources={"releases": ReleaseSettings(path=str(config))})
    return base / "data", config


def race(world: tuple[Path, Path], at: Path, protected: bool) -> dict[str, Any]:
    """Two release runs of demo_partner, the second drafting while the first's draft waits."""
    root = at / "data"
    shutil.copytree(world[0], root)
    home, signals = at / "dagster_home", at / "signals"
    home.mkdir()
    signals.mkdir()
    dg.DagsterInstance.local_temp(tempdir=str(home)).dispose()  # its storage, made once
    args = [str(root), str(world[1]), str(home), str(signals)]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, *args, role, "on" if protected else "off"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for role in ("first", "second")
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()[-3000:]
    outcome = {
        role: json.loads((signals / f"{role}.json").read_text()) for role in ("first", "second")
    }
    ledger = duckdb.connect(str(root / "ledger.duckdb"), read_only=True)
    try:
        outcome["charged"] = ledger.execute("SELECT epsilon FROM ledger").fetchall()
    finally:
        ledger.close()
    outcome["outbox"] = sorted((root / "outbox" / "demo_partner").iterdir())
    return outcome


def test_a_second_release_for_the_same_consumer_fails_cleanly_and_the_first_delivers(
    world: tuple[Path, Path], tmp_path: Path
) -> None:
    out = race(world, tmp_path / "protected", protected=True)
    assert out["first"] == {"success": True, "failures": []}
    [failure] = out["second"]["failures"]
    assert not out["second"]["success"] and failure["cls"] == "Failure"
    message = failure["message"]
    assert "\n" not in message.strip() and "one draft at a time" in message
    assert "nothing was drawn or charged" in message
    [delivered] = out["outbox"]
    assert manifest_problems(delivered) == []
    assert out["charged"] == [(pytest.approx(1.0),)]  # one release, charged once

    # the protection off (every other run taken for dead): the second run deletes the first's
    # draft, as in the review, and the first fails on its vanished folder
    out = race(world, tmp_path / "unprotected", protected=False)
    assert out["second"] == {"success": True, "failures": []}
    assert not out["first"]["success"]
    assert [f["cls"] for f in out["first"]["failures"]] == ["FileNotFoundError"]
    assert out["charged"] == [(pytest.approx(1.0),)]  # the ledger still charges once
