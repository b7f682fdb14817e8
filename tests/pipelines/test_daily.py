"""A daily run after the main job: it reads the new day, erases again only when the erased set
changed, and ends where the main job over every day ends."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from bench.scale.tables import differing_tables
from pipelines.constants import DAILY_JOB
from sampledata import generate
from tests.pipelines.conftest import KEY, build_defs, checks, metadata, run_config, run_main
from transforms.person.pseudonymize import Pseudonymizer

END = dt.date(2026, 11, 24)
FIRST, BEFORE, DAY = "2026-11-21", "2026-11-23", "2026-11-24"


def run_daily(root: Path, day: str = DAY):
    job = build_defs(root).resolve_job_def(DAILY_JOB)
    return job.execute_in_process(run_config=run_config(), partition_key=day)


def visits_sql(root: Path) -> str:
    return f"read_parquet('{root}/raw/visits/*.parquet', union_by_name=true)"


def anonymous_cookie(root: Path) -> str:
    """A cookie never seen with a member before the new day."""
    return duckdb.execute(
        f"SELECT cookie_id FROM {visits_sql(root)} WHERE cookie_id IS NOT NULL GROUP BY 1 "
        "HAVING count(member_id) = 0 AND max(ts) < TIMESTAMP '2026-11-24' ORDER BY 1 LIMIT 1"
    ).fetchone()[0]


def log_in_on_the_new_day(root: Path, member: str, cookie: str, name: str) -> None:
    """A raw visit of `member` on `cookie` on the new day, in its own file."""
    duckdb.execute(
        f"COPY (SELECT * REPLACE (? AS member_id, TIMESTAMP '2026-11-24 09:00:00' AS ts) "
        f"FROM {visits_sql(root)} WHERE cookie_id = ? LIMIT 1) "
        f"TO '{root}/raw/visits/{name}.parquet' (FORMAT parquet)",
        [member, cookie],
    )


def hold_back_the_new_day(root: Path, held: Path) -> None:
    """Move the new day's event files out of raw/: the export has not brought them yet."""
    for table in ("visits", "ad_events", "orders", "survey_responses"):
        (held / table).mkdir(parents=True)
        for f in (root / "raw" / table).glob("*-00003.*"):
            f.rename(held / table / f.name)


def bring_the_new_day(root: Path, held: Path, *, erased_members_seen: bool = True) -> None:
    """The new day's files arrive; without `erased_members_seen`, the site no longer sends
    rows of members whose deletion it requested (so the erased set stays as it was)."""
    requests = f"read_csv('{root}/raw/deletion_requests/part-00000.csv')"
    for f in held.glob("*/*"):
        target = root / "raw" / f.parent.name / f.name
        if erased_members_seen or f.parent.name not in ("visits", "ad_events"):
            f.rename(target)
        elif f.suffix == ".parquet":
            duckdb.execute(
                f"COPY (FROM read_parquet('{f}') WHERE member_id IS NULL OR member_id NOT IN "
                f"(SELECT member_id FROM {requests} WHERE member_id IS NOT NULL)) "
                f"TO '{target}' (FORMAT parquet)"
            )


@pytest.fixture(scope="module")
def daily_and_full(tmp_path_factory):
    daily = tmp_path_factory.mktemp("daily") / "data"
    generate(daily, members=800, days=4, seed=11, end_date=END)
    member = duckdb.execute(  # a member without a deletion request
        f"SELECT member_id FROM read_parquet('{daily}/raw/members/part-00000.parquet') "
        f"WHERE member_id NOT IN (SELECT member_id FROM "
        f"read_csv('{daily}/raw/deletion_requests/part-00000.csv') WHERE member_id IS NOT NULL) "
        "ORDER BY 1 LIMIT 1"
    ).fetchone()[0]
    cookie, held = anonymous_cookie(daily), daily.parent / "held"
    hold_back_the_new_day(daily, held)
    run_main(daily, first=FIRST, last=BEFORE)
    bring_the_new_day(daily, held, erased_members_seen=False)
    log_in_on_the_new_day(daily, member, cookie, "login")  # a link new on the new day
    result = run_daily(daily)
    full = tmp_path_factory.mktemp("full") / "data"
    shutil.copytree(daily / "raw", full / "raw")
    run_main(full, first=FIRST, last=DAY)
    return daily, full, result


def test_a_daily_run_ends_where_the_main_job_over_every_day_ends(daily_and_full) -> None:
    daily, full, result = daily_and_full
    assert result.success and all(checks(result).values()), checks(result)
    assert differing_tables(daily, full) == []


def test_a_daily_run_with_no_new_deletion_erases_nothing_again(daily_and_full) -> None:
    _, _, result = daily_and_full
    erasure = metadata(result, "member_erasure")
    assert erasure["members_erased"] > 0 and erasure["erasure_applied"] is False


def _cookie_rows(root: Path, pseudonym: str) -> int:
    conn = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        tables = [t for (t,) in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        with_cookies = [
            t
            for t in tables
            if "cookie_pseudonym" in [c[0] for c in conn.execute(f'DESCRIBE "{t}"').fetchall()]
        ]
        where = "WHERE cookie_pseudonym = ?"
        return sum(
            conn.execute(f'SELECT count(*) FROM "{t}" {where}', [pseudonym]).fetchone()[0]
            for t in with_cookies
        )
    finally:
        conn.close()


def _in_kept_contributions(root: Path, unit: str) -> int:
    """Rows of `unit` in the contributions the marts' builds left for their checks."""
    files = sorted((root / "marts_contributions").glob("*.parquet"))
    return sum(
        duckdb.execute(
            f"SELECT count(*) FROM read_parquet('{f}') WHERE unit = ?", [unit]
        ).fetchone()[0]
        for f in files
    )


def test_a_cookie_an_erased_member_is_first_seen_with_in_the_new_day_is_erased_from_every_day(
    tmp_path,
) -> None:
    root = tmp_path / "data"
    generate(root, members=800, days=4, seed=11, end_date=END)
    erased = duckdb.execute(
        f"SELECT member_id FROM read_csv('{root}/raw/deletion_requests/part-00000.csv') "
        "ORDER BY 1 LIMIT 1"
    ).fetchone()[0]
    cookie, held = anonymous_cookie(root), tmp_path / "held"
    hold_back_the_new_day(root, held)
    run_main(root, first=FIRST, last=BEFORE)
    bring_the_new_day(root, held)
    pseudonym = Pseudonymizer(KEY).pseudonymize(cookie)
    assert _cookie_rows(root, pseudonym) > 0
    assert _in_kept_contributions(root, f"c:{pseudonym}") > 0
    log_in_on_the_new_day(root, erased, cookie, "late")  # the erased member, on that cookie
    result = run_daily(root)
    assert result.success and all(checks(result).values()), checks(result)
    assert metadata(result, "member_erasure")["erasure_applied"] is True
    assert _cookie_rows(root, pseudonym) == 0
    assert _in_kept_contributions(root, f"c:{pseudonym}") == 0
