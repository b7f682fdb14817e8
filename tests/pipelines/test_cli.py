"""`make run` end to end: the CLI prepares the data root, runs main_job, and records the run."""

from __future__ import annotations

import stat

import pytest

from pipelines import cli
from tests.pipelines import planted
from tests.pipelines.conftest import KEY, query, write_table


@pytest.fixture
def env(root, monkeypatch):
    monkeypatch.setenv("PIPELINE_DATA", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "unused"))  # restored after the test
    monkeypatch.setenv("PIPELINE_PSEUDONYM_KEY", KEY)
    monkeypatch.delenv("PIPELINE_ENV", raising=False)
    return root


def test_run_command_covers_every_day_present_and_keeps_the_run_record(env, capsys) -> None:
    planted.plant(env)
    assert cli.main(["run"]) == 0
    out = capsys.readouterr().out
    assert "event days 2026-11-21 .. 2026-11-23" in out and "SUCCESS" in out
    assert str(env / "warehouse.duckdb") in out
    assert (
        query(env, "SELECT count(DISTINCT event_date) FROM visits")[0][0] == 3
    )  # incl. the logged-out day
    home = env / "dagster_home"
    assert (home / "dagster.yaml").exists() and any(home.rglob("*.db"))
    assert f"marts:      {env / 'marts.duckdb'}" in out and "audience_overview" in out


def test_only_the_marts_are_open_to_other_users(env) -> None:
    planted.plant(env)
    (env / "raw").chmod(0o755)  # an export that arrived open to all is closed by the CLI
    assert cli.main(["run"]) == 0
    mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [env, *env.iterdir()]}
    assert mode.pop(env.name) == 0o711  # others can open a file by name, not list the folder
    assert mode.pop("marts.duckdb") == 0o444
    assert all(m & 0o077 == 0 for m in mode.values()), mode


def test_failed_checks_fail_the_command(env, capsys) -> None:
    planted.plant(env)
    write_table(
        env, "members", [{**planted.member_rows()[0], "member_id": "u_x", "x": 1}], name="extra.csv"
    )
    assert cli.main(["run"]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_run_delivers_both_releases_once_and_the_ledger_command_lists_them(env, capsys) -> None:
    planted.plant(env)
    assert cli.main(["run"]) == 0
    first = capsys.readouterr().out
    assert "demo_partner_release" in first and "research_release" in first
    assert cli.main(["run"]) == 0
    assert first.count("epsilon charged") == 2
    assert capsys.readouterr().out.count("stored release re-delivered, nothing charged") == 2
    assert cli.main(["ledger"]) == 0
    listed = capsys.readouterr().out
    assert "(2 releases;" in listed and "demo_partner" in listed and "research" in listed
    assert cli.main(["release", "--consumer", "nobody"]) == 2
    asked = ["release", "--consumer", "demo_partner", "--only", "women_20s", "--month", "2026-11"]
    assert cli.main(asked) == 0  # a narrower question: a new release of stored answers
    assert "epsilon charged 0" in capsys.readouterr().out
