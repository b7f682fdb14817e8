"""Releases through real Dagster runs on planted data: delivery, replay, consent, budget, checks."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from pipelines.constants import DELETION_JOB, RELEASE_JOB
from pipelines.resources import ReleaseSettings
from tests.pipelines import planted_releases as pr
from tests.pipelines.conftest import (
    build_defs,
    checks,
    metadata,
    query,
    run_config,
    run_main,
    write_table,
)

NOISE_MARGIN = 80  # ten noise scales at the planted epsilon: far inside what the plants change


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted warehouse, built once; each test works on its own copy."""
    base = tmp_path_factory.mktemp("world")
    root = base / "data"
    pr.plant(root)
    config = pr.releases_config(base / "releases.yaml")
    run_main(root, resources={"releases": ReleaseSettings(path=str(config))})
    return root


@pytest.fixture
def root(world: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(world, copy)
    return copy


def release(
    root: Path, config: Path, only: list[str] | None = None, last_day: str = "",
    consumers: tuple[str, ...] = ("demo_partner", "research"),
) -> dg.ExecuteInProcessResult:  # fmt: skip
    defs = build_defs(root, releases=ReleaseSettings(path=str(config)))
    keys = [dg.AssetKey(f"{c}_release{s}") for c in consumers for s in ("_draft", "")]
    ops = {f"{c}_release_draft": {"config": {"only": only or [], "last_day": last_day}}
           for c in consumers}  # fmt: skip
    return defs.resolve_job_def(RELEASE_JOB).execute_in_process(
        partition_key=pr.MONTH, run_config={"ops": ops}, asset_selection=keys,
        raise_on_error=False,
    )  # fmt: skip


def ledger(root: Path, sql: str = "SELECT release_id, consumer, epsilon FROM ledger") -> list[Any]:
    conn = duckdb.connect(str(root / "ledger.duckdb"), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def outbox(root: Path, consumer: str) -> list[Path]:
    folder = root / "outbox" / consumer
    return sorted(folder.iterdir()) if folder.is_dir() else []


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def audience(folder: Path) -> dict[str, int]:
    return {
        r["segment_id"]: int(r["audience_size"]) for r in read_csv(folder / "segment_counts.csv")
    }


def test_delivers_each_consumer_once_and_replays_for_free(root: Path, tmp_path: Path) -> None:
    config = pr.releases_config(tmp_path / "r.yaml")
    first = release(root, config)
    assert first.success
    assert all(checks(first).values()) and len(checks(first)) == 14  # 6 per draft, 1 delivery
    partner, research = outbox(root, "demo_partner"), outbox(root, "research")
    assert len(partner) == len(research) == 1
    for folder in (*partner, *research):
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["data_period"] == {"first": "2026-11-01", "last": "2026-11-22"}
        assert manifest["delta_spent"] == 0.0 and manifest["epsilon_spent"] == pytest.approx(1.0)
        assert {"report.html", "manifest.json"} <= {p.name for p in folder.iterdir()}
    assert {p.name for p in partner[0].iterdir()} >= {"segment_counts.csv", "campaign_report.csv"}
    spent = ledger(root)
    assert len(spent) == 2 and sum(e for *_, e in spent) == pytest.approx(2.0)

    again = release(root, config)
    assert again.success
    assert metadata(again, "demo_partner_release")["replay_of_stored_release"] is True
    assert metadata(again, "demo_partner_release")["epsilon_charged"] == 0.0
    assert outbox(root, "demo_partner") == partner and outbox(root, "research") == research
    assert ledger(root) == spent


def test_partner_counts_only_consenting_members_and_guarded_children(
    root: Path, tmp_path: Path
) -> None:
    assert release(root, pr.releases_config(tmp_path / "r.yaml")).success
    sizes = audience(outbox(root, "demo_partner")[0])
    # 400 women without consent_ads and 300 girls without a guardian's consent are left out
    assert abs(sizes["women_20s"] - 120) < NOISE_MARGIN
    assert abs(sizes["girls_10s"] - 150) < NOISE_MARGIN
    report = read_csv(outbox(root, "demo_partner")[0] / "campaign_report.csv")
    reach = {r["segment_id"]: int(r["reach"]) for r in report}
    assert abs(reach["women_20s"] - 120) < NOISE_MARGIN


def test_research_leaves_out_opt_outs_and_unguarded_children(root: Path, tmp_path: Path) -> None:
    assert release(root, pr.releases_config(tmp_path / "r.yaml"), consumers=("research",)).success
    rows = read_csv(outbox(root, "research")[0] / "readership_by_profile.csv")
    cells = {
        (r["age_band"], r["gender"], r["region"], r["section"]): int(r["readers"]) for r in rows
    }
    # 300 opted-out men in their 50s: their cell is empty, so left out or a small noisy value
    assert cells.get(("50s", "M", "Jeju", "culture"), 0) < NOISE_MARGIN
    assert abs(cells[("10s", "F", "Jeju", "culture")] - 150) < NOISE_MARGIN  # not 450
    # research needs no ad consent: all 520 women in their 20s count
    assert abs(cells[("20s", "F", "Jeju", "culture")] - 520) < NOISE_MARGIN


def test_a_segment_under_two_names_is_one_draw_and_a_reworded_replay(
    root: Path, tmp_path: Path
) -> None:
    both = pr.releases_config(tmp_path / "both.yaml", ("women_20s", "ladies_twenties"))
    assert release(root, both, consumers=("demo_partner",)).success
    folder = outbox(root, "demo_partner")[0]
    sizes = audience(folder)
    assert sizes["women_20s"] == sizes["ladies_twenties"]
    manifest = json.loads((folder / "manifest.json").read_text())
    audience_queries = [q for q in manifest["question"] if q["question"]["count"] == "members"]
    assert len(audience_queries) == 1 and len(audience_queries[0]["names"]) == 2

    reworded = pr.releases_config(tmp_path / "reworded.yaml", ("ladies_twenties", "women_20s"))
    again = release(root, reworded, consumers=("demo_partner",))
    assert metadata(again, "demo_partner_release")["replay_of_stored_release"] is True
    assert outbox(root, "demo_partner") == [folder] and len(ledger(root)) == 1


def test_a_release_over_budget_is_refused_and_nothing_is_written_or_charged(
    root: Path, tmp_path: Path
) -> None:
    config = pr.releases_config(tmp_path / "r.yaml", monthly=1.0, release=1.0)
    assert release(root, config, consumers=("demo_partner",)).success
    before, folders = ledger(root), outbox(root, "demo_partner")

    refused = release(root, config, last_day="2026-11-21", consumers=("demo_partner",))
    assert not refused.success
    [failure] = refused.get_step_failure_events()
    message = failure.event_specific_data.error.message
    # the two audiences are this month's stored answers: only the 6 campaign queries are new
    for words in ("consumer demo_partner", "month 20", "spent epsilon 1 of the monthly 1",
                  "requests 0.75", "nothing was written or charged"):  # fmt: skip
        assert words in message
    assert ledger(root) == before and outbox(root, "demo_partner") == folders
    assert not list((root / "release_staging" / "demo_partner").glob("*/release"))


@pytest.mark.parametrize(
    ("extra_column", "failing_check"),
    [
        ({"member_email": "x"}, "no_identifier_column"),
        ({"tag": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
         "no_pseudonym_shaped_value"),
        # the egress gate: a column name, a phone with a particle glued on, a member's own name
        ({"member_email": "x"}, "no_identifier_leaves"),
        ({"note": "연락처 010-1234-5678으로"}, "no_identifier_leaves"),
        ({"note": "thanks to Name r_w20_000"}, "no_identifier_leaves"),
    ],
)  # fmt: skip
def test_a_failing_check_keeps_the_draft_out_of_the_outbox(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    extra_column: dict[str, str], failing_check: str,
) -> None:  # fmt: skip
    from runtime.releases import draft as release_draft

    write = release_draft.write_csv

    def leaky(path: Path, columns: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
        ((name, value),) = extra_column.items()
        write(path, (*columns, name), [(*r, value) for r in rows])

    monkeypatch.setattr(release_draft, "write_csv", leaky)
    result = release(root, pr.releases_config(tmp_path / "r.yaml"), consumers=("demo_partner",))
    assert not result.success
    assert checks(result)[f"demo_partner_release_draft:{failing_check}"] is False
    assert outbox(root, "demo_partner") == [] and ledger(root) == []


def test_k_check_fails_on_a_count_below_k(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transforms.releases import plan as release_plan

    rows = release_plan.FileLayout.rows
    monkeypatch.setattr(release_plan.FileLayout, "rows", lambda self, a, k: rows(self, a, 1))
    result = release(root, pr.releases_config(tmp_path / "r.yaml"), consumers=("research",))
    assert checks(result)["research_release_draft:k_holds_for_every_count"] is False
    assert outbox(root, "research") == []


def test_no_pseudonym_leaves_in_the_outbox_or_the_marts(root: Path, tmp_path: Path) -> None:
    assert release(root, pr.releases_config(tmp_path / "r.yaml")).success
    listed = query(root, "SELECT DISTINCT member_pseudonym FROM targeting_lists")
    members = {p for (p,) in query(root, "SELECT member_pseudonym FROM members")}
    cookies = {p for (p,) in query(root, "SELECT cookie_pseudonym FROM cookie_links")}
    assert listed and {p for (p,) in listed} <= members
    secrets = members | cookies
    released = b"".join(p.read_bytes() for p in (root / "outbox").rglob("*") if p.is_file())
    assert not [s for s in secrets if s.encode() in released]
    marts = duckdb.connect(str(root / "marts.duckdb"), read_only=True)
    try:
        text_cols = marts.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' "
            "AND NOT internal"
        ).fetchall()
        values = {
            v for t, c in text_cols for (v,) in marts.execute(f"SELECT {c} FROM {t}").fetchall()
        }
    finally:
        marts.close()
    assert not values & secrets


def test_targeting_lists_hold_consenting_members_only(root: Path) -> None:
    counts = dict(query(root, "SELECT segment_id, count(*) FROM targeting_lists GROUP BY 1"))
    assert counts["women_20s"] == counts["ladies_twenties"] == 120
    assert counts["girls_10s"] == 150


def test_deleted_members_never_count_in_a_later_release(root: Path, tmp_path: Path) -> None:
    config = pr.releases_config(tmp_path / "r.yaml")
    assert release(root, config, consumers=("demo_partner",)).success
    leavers = [
        {"member_id": m, "requested_at": "2026-11-24 12:00:00"} for m in pr.member_ids("w20")
    ]
    write_table(root, "deletion_requests", leavers)
    defs = build_defs(root, releases=ReleaseSettings(path=str(config)))
    only_erasure = {"ops": {"member_erasure": run_config()["ops"]["member_erasure"]}}
    assert defs.resolve_job_def(DELETION_JOB).execute_in_process(run_config=only_erasure).success
    assert query(root, "SELECT count(*) FROM targeting_lists WHERE segment_id = 'women_20s'") == [
        (0,)
    ]

    later = release(root, config, last_day="2026-11-21", consumers=("demo_partner",))
    assert later.success
    newest = outbox(root, "demo_partner")[-1]
    assert audience(newest).get("women_20s", 0) < NOISE_MARGIN  # was about 120


def test_report_is_self_contained_and_says_what_a_partner_needs(root: Path, tmp_path: Path) -> None:
    assert release(
        root, pr.releases_config(tmp_path / "r.yaml"), consumers=("demo_partner",)
    ).success
    html = (outbox(root, "demo_partner")[0] / "report.html").read_text()
    for words in ("women_20s", "girls_10s", "±", "<svg", "Privacy budget, 20", "left:",
                  "Only members who agreed to advertising", "k = 50", "not a fresh draw"):  # fmt: skip
        assert words in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<script" not in html and "<link" not in html


CRASH = """
import datetime as dt, os, sys
from pathlib import Path
import duckdb
from runtime.releases import ledger, delivery, draft as release_draft
from runtime.config.releases import load_releases
from transforms.releases.catalog import Period

root, config, stage = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
die = lambda *a, **k: os._exit(9)
if stage == "drawing":
    release_draft.noisy_counts = die
if stage == "writing":
    release_draft.write_csv = lambda path, *a: (path.write_text("segment_id,aud"), die())
if stage == "charged":  # the ledger holds the pending charge; the folder is not renamed yet
    os.rename = die
if stage == "renamed":  # the folder is in the outbox; the ledger still says pending
    real = os.rename
    os.rename = lambda a, b: (real(a, b), die())
settings = load_releases(config)
plan = settings.plan("demo_partner", Period(dt.date(2026, 11, 1), dt.date(2026, 11, 22)), (10, 5))
staging = root / "release_staging" / "demo_partner" / "crash"
conn = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
consumer = settings.consumers["demo_partner"]
release_draft.draft(
    conn, ledger.Ledger(root), "demo_partner", consumer, plan, staging, dt.datetime(2026, 11, 25)
)
conn.close()
delivery.deliver(ledger.Ledger(root), staging)
"""


@pytest.mark.parametrize(
    ("stage", "lands"),
    [("drawing", False), ("writing", False), ("charged", False), ("renamed", True)],
)
def test_a_crash_mid_release_leaves_the_whole_release_or_nothing(
    root: Path, tmp_path: Path, stage: str, lands: bool
) -> None:
    import subprocess
    import sys

    config = pr.releases_config(tmp_path / "r.yaml")
    died = subprocess.run(
        [sys.executable, "-c", CRASH, str(root), str(config), stage],
        capture_output=True,
        check=False,
    )
    assert died.returncode == 9, died.stderr.decode()
    from runtime.releases.ledger import Ledger
    from runtime.releases.verify import manifest_problems

    with Ledger(root).open() as conn:  # settles what the crash left pending
        spent = Ledger.spent(conn, "demo_partner", "2026-11")
        answers = conn.execute("SELECT count(*) FROM answers").fetchall()[0][0]
        statuses = conn.execute("SELECT status FROM releases").fetchall()
    folders = outbox(root, "demo_partner")
    if lands:
        assert len(folders) == 1 and manifest_problems(folders[0]) == []
        assert spent == pytest.approx(1.0) and statuses == [("landed",)] and answers == 8
    else:
        assert folders == [] and spent == 0.0 and statuses == [] and answers == 0
        assert not [p for p in (root / "outbox").rglob("*") if p.is_file()]
    # the next run either re-delivers the landed release or makes it whole, charged once
    assert release(root, config, consumers=("demo_partner",)).success
    assert len(outbox(root, "demo_partner")) == 1
    assert sum(e for *_, e in ledger(root)) == pytest.approx(1.0)


def test_a_pending_release_whose_folder_left_staging_stays_charged(
    root: Path, tmp_path: Path
) -> None:
    """After the charge, before the rename, the draft vanished (moved or collected by hand):
    it may have been seen, so the ledger keeps the charge instead of allowing a fresh draw."""
    import subprocess
    import sys

    from runtime.releases.ledger import Ledger

    config = pr.releases_config(tmp_path / "r.yaml")
    died = subprocess.run(
        [sys.executable, "-c", CRASH, str(root), str(config), "charged"], check=False
    )
    assert died.returncode == 9
    shutil.rmtree(root / "release_staging" / "demo_partner" / "crash")
    with Ledger(root).open() as conn:
        assert Ledger.spent(conn, "demo_partner", "2026-11") == pytest.approx(1.0)
        assert conn.execute("SELECT status FROM releases").fetchall() == [("landed",)]


def test_a_delivered_folder_changed_after_the_rename_fails_its_check(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines import releases
    from runtime.releases import delivery

    real = delivery.deliver

    def tampered(ledger: Any, staging: Path) -> Any:
        out = real(ledger, staging)
        target = out.folder / "segment_counts.csv"
        target.chmod(0o644)
        target.write_text("segment_id,audience_size\nwomen_20s,999999\n")
        return out

    monkeypatch.setattr(releases, "deliver", tampered)
    result = release(root, pr.releases_config(tmp_path / "r.yaml"), consumers=("demo_partner",))
    assert checks(result)["demo_partner_release:in_outbox_as_recorded"] is False


def test_targeting_lists_check_fails_when_a_non_consenting_member_is_listed(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runtime.warehouse import targeting

    everyone = "SELECT member_pseudonym, 'everyone' AS segment_id FROM members"
    monkeypatch.setattr(targeting, "memberships_sql", lambda *a: everyone)
    config = pr.releases_config(tmp_path / "r.yaml")
    result = run_main(root, resources={"releases": ReleaseSettings(path=str(config))},
                      raise_on_error=False)  # fmt: skip
    assert checks(result)["targeting_lists:consenting_members_only"] is False
