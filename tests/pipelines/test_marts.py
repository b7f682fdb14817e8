"""The marts from a real main job on planted groups, as analysts see them in marts.duckdb."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.constants import DELETION_JOB
from pipelines.publish import published_marts
from pipelines.resources import Policy
from runtime.config.policy import DEFAULT_POLICY_PATH
from runtime.marts import build as mart_build
from runtime.marts import verified as mart_verified
from runtime.marts.publish import publication_problems
from runtime.marts.verify import verify_mart
from runtime.paths import marts_path
from tests.pipelines import planted_marts
from tests.pipelines.conftest import build_defs, checks, metadata, run_config, run_main, write_table
from transforms.marts.catalog import MARTS

FIRST, LAST = planted_marts.FIRST_DAY, planted_marts.LAST_DAY


def marts(root: Path, sql: str, params: list | None = None) -> list[tuple]:
    conn = duckdb.connect(str(marts_path(root)), read_only=True)
    try:
        return conn.execute(sql, params or []).fetchall()
    finally:
        conn.close()


def audience(root: Path) -> dict[tuple[str, str, str], int]:
    return {(a, g, r): n for a, g, r, n in marts(root, "SELECT * FROM audience_overview")}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("marts") / "data"
    planted_marts.plant(root)
    return root, run_main(root, first=FIRST, last=LAST)


def test_every_mart_is_published_with_its_checks_passing(planted) -> None:
    root, result = planted
    assert result.success and all(checks(result).values()), checks(result)
    names = {spec.name for spec in MARTS}
    assert {c.split(":")[0] for c in checks(result)} >= names | {"published_marts"}
    tables = {t for (t,) in marts(root, "SELECT table_name FROM duckdb_tables()")}
    assert tables == names


@pytest.mark.parametrize(
    ("region", "shown"), [("Busan", False), ("Daegu", True), ("Incheon", True)]
)
def test_threshold_at_k_minus_one_k_and_k_plus_one_members(planted, region, shown) -> None:
    root, _ = planted
    size = {"Busan": 9, "Daegu": 10, "Incheon": 11}[region]
    assert audience(root).get(("30s", "F", region)) == (size if shown else None)
    readers = marts(
        root,
        "SELECT readers FROM section_readership_weekly "
        "WHERE age_band = '30s' AND gender = 'F' AND region = ?",
        [region],
    )  # each member visited 10 times: rows never stand in for people
    assert readers == ([(size,)] if shown else [])


def test_small_regions_are_rolled_up_and_a_lone_small_group_is_suppressed(planted) -> None:
    root, result = planted
    seen = audience(root)
    assert seen[("30s", "F", "Other regions")] == 9 + 4 + 7  # Busan, Jeju, Sejong
    assert not [k for k in seen if k[0] == "40s"]  # Ulsan's 3 alone: withheld, no roll-up
    meta = metadata(result, "audience_overview")
    assert meta["cells_rolled_up"] == 4 and meta["cells_suppressed"] == 1
    assert meta["dagster/row_count"] == len(seen)


def test_consent_and_age_exclusions_show_in_the_marts(planted) -> None:
    root, _ = planted
    seen = audience(root)
    assert seen[("10s", "F", "Seoul")] == 10  # the 15 children without guardian consent are out
    assert seen[("50s", "M", "Seoul")] == 10  # the 20 who opted out of statistics are out
    assert seen[("20s", "F", "Seoul")] == 42  # consent to ads does not matter for statistics
    traffic = marts(
        root, "SELECT audience, users FROM site_traffic_daily WHERE event_date = '2026-11-21'"
    )  # the opted-out members' logged-out visits are theirs, not "non-member" traffic
    members = len(traffic) and dict(traffic)["members"]
    assert dict(traffic) == {"members": members, "all": members}
    ads = marts(root, "SELECT impressions, reach, clicks FROM ad_campaign_daily")
    # 12 consenting members, logged in and out; the 30 who did not consent count nowhere,
    # not even as "non-member" cookies
    assert ads == [(24, 12, None)]


def test_a_day_with_few_members_shows_only_its_total(planted) -> None:
    root, _ = planted
    day = marts(
        root, "SELECT audience, visits, users FROM site_traffic_daily WHERE event_date = ?",
        [planted_marts.QUIET_DAY],
    )  # fmt: skip
    # 3 members are too few to show, and 'all' minus the 30 non-members would show them
    assert day == [("all", 33, 33)]


def test_the_file_opens_read_only_in_the_analysts_cli_with_comments(planted) -> None:
    root, _ = planted
    path = marts_path(root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    assert cli, "duckdb-cli is a dependency of the project"
    out = subprocess.run(
        [cli, "-readonly", "-csv", str(path), "-c",
         "SELECT count(*) FILTER (WHERE comment IS NULL) AS bare, count(*) AS n "
         "FROM duckdb_columns() WHERE NOT internal"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    bare, n = out.strip().splitlines()[-1].split(",")
    assert bare == "0" and int(n) == sum(len(spec.columns) for spec in MARTS)
    tables = marts(root, "SELECT count(*) FROM duckdb_tables() WHERE comment LIKE '%at least 10%'")
    assert tables == [(len(MARTS),)]


def test_a_failing_check_keeps_the_previous_marts(tmp_path, monkeypatch) -> None:
    root = tmp_path / "data"
    planted_marts.plant(root)
    assert run_main(root, first=FIRST, last=LAST).success
    before = hashlib.sha256(marts_path(root).read_bytes()).hexdigest()

    def no_threshold(spec, cells, withheld, k):  # a build bug: small cells published
        return f"SELECT * FROM {cells}"

    monkeypatch.setattr(mart_build.th, "published_cells_sql", no_threshold)
    result = run_main(root, first=FIRST, last=LAST, raise_on_error=False)
    assert not result.success
    assert checks(result)["audience_overview:k_threshold_holds"] is False
    assert "published_marts" not in {
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
    }
    assert hashlib.sha256(marts_path(root).read_bytes()).hexdigest() == before


def test_publishing_alone_refuses_a_failing_mart(tmp_path, monkeypatch) -> None:
    root = tmp_path / "data"
    planted_marts.plant(root)
    assert run_main(root, first=FIRST, last=LAST).success
    conn = duckdb.connect(str(root / "marts_staging.duckdb"))
    conn.execute("INSERT INTO audience_overview VALUES ('40s', 'M', 'Ulsan', 3)")
    conn.close()
    before = marts_path(root).read_bytes()
    with pytest.raises(dg.Failure, match="k_threshold_holds"):
        dg.materialize([published_marts], resources=build_defs(root).resources)
    assert marts_path(root).read_bytes() == before


def test_publication_recounts_only_marts_changed_since_their_checks(tmp_path, monkeypatch) -> None:
    """The checks' recount is remembered: publishing the same staged marts again recounts none
    of them, a raised k all of them (and refuses cells of 10), and a mart changed in staging
    that one (and refuses it)."""
    root = tmp_path / "data"
    planted_marts.plant(root)
    assert run_main(root, first=FIRST, last=LAST).success
    recounted: list[str] = []

    def counting(conn, spec, *args):
        recounted.append(spec.name)
        return verify_mart(conn, spec, *args)

    monkeypatch.setattr(mart_verified, "verify_mart", counting)
    resources = build_defs(root).resources
    again = dg.materialize([published_marts], resources=resources)
    assert again.success and recounted == []
    assert metadata(again, "published_marts")["marts_recounted"] == 0
    policy = tmp_path / "policy.yaml"
    policy.write_text(DEFAULT_POLICY_PATH.read_text().replace("k: 10", "k: 11"))
    raised = {**resources, "policy": Policy(path=str(policy))}
    with pytest.raises(dg.Failure, match="below k=11"):  # cells of 10 stood for k = 10
        dg.materialize([published_marts], resources=raised)
    assert sorted(recounted) == sorted(spec.name for spec in MARTS)
    recounted.clear()
    conn = duckdb.connect(str(root / "marts_staging.duckdb"))
    conn.execute("INSERT INTO audience_overview VALUES ('40s', 'M', 'Ulsan', 3)")
    conn.close()
    with pytest.raises(dg.Failure, match="k_threshold_holds"):
        dg.materialize([published_marts], resources=resources)
    assert recounted == ["audience_overview"]


def test_deletion_job_rebuilds_the_marts_without_the_member(tmp_path) -> None:
    root = tmp_path / "data"
    planted_marts.plant(root)
    assert run_main(root, first=FIRST, last=LAST).success
    assert audience(root)[("30s", "F", "Daegu")] == 10
    leaver = planted_marts.member_ids("daegu10")[0]
    write_table(
        root, "deletion_requests", [{"member_id": leaver, "requested_at": "2026-11-24 08:00:00"}]
    )
    job = build_defs(root).resolve_job_def(DELETION_JOB)
    erasure = {"ops": {"member_erasure": run_config()["ops"]["member_erasure"]}}
    assert job.execute_in_process(run_config=erasure).success
    seen = audience(root)
    assert ("30s", "F", "Daegu") not in seen  # 9 left: below k now
    assert seen[("30s", "F", "Other regions")] == 9 + 4 + 7 + 9


def test_a_raised_k_publishes_less(tmp_path) -> None:
    root = tmp_path / "data"
    planted_marts.plant(root)
    policy = tmp_path / "policy.yaml"
    policy.write_text(DEFAULT_POLICY_PATH.read_text().replace("k: 10", "k: 12"))
    result = run_main(root, first=FIRST, last=LAST, resources={"policy": Policy(path=str(policy))})
    assert result.success and metadata(result, "audience_overview")["k"] == 12
    seen = audience(root)
    assert ("30s", "F", "Incheon") not in seen and ("30s", "F", "Daegu") not in seen
    assert seen[("30s", "F", "Other regions")] == 9 + 10 + 11 + 4 + 7


def test_the_published_file_check_fails_on_a_writable_file_or_an_uncommented_table(
    planted, tmp_path
) -> None:
    root, _ = planted
    assert publication_problems(marts_path(root)) == []
    copy = tmp_path / "marts.duckdb"
    shutil.copyfile(marts_path(root), copy)
    copy.chmod(0o644)
    assert [p for p in publication_problems(copy) if "not read-only" in p]
    conn = duckdb.connect(str(copy))
    conn.execute("CREATE TABLE extra AS SELECT 1 AS n")
    conn.close()
    copy.chmod(0o444)
    problems = publication_problems(copy)
    assert any("are not the marts" in p for p in problems)
    assert any("no comment on" in p and "extra.n" in p for p in problems)
