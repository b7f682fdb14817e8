from __future__ import annotations

import stat

import pyarrow.parquet as pq

from tests.pipelines import planted
from tests.pipelines.conftest import checks, metadata, query, run_main
from transforms.person.pseudonymize import pseudonymize_value


def test_main_job_passes_every_check(root) -> None:
    planted.plant(root)
    result = run_main(root)
    assert result.success
    assert checks(result) and all(checks(result).values()), checks(result)


def test_eligibility_per_purpose_and_under_14(root) -> None:
    planted.plant(root)
    run_main(root)
    rows = query(
        root,
        "SELECT member_pseudonym, may_count_ads, may_count_research, may_count_analytics, is_under_14 FROM members",
    )

    def flags(mid: str):
        p = pseudonymize_value(mid, b"k" * 64)
        return next(r[1:] for r in rows if r[0] == p)

    assert flags("u_adult") == (True, True, True, False)
    assert flags("u_no_consent") == (False, True, True, False)
    assert flags("u_opt_out") == (True, False, False, False)
    assert flags("u_child") == (False, False, False, True)
    assert flags("u_child_guarded") == (True, True, True, True)
    assert flags("u_unknown_age") == (False, False, False, None)
    assert len(rows) == len(planted.MEMBERS)


def test_newest_row_of_a_member_wins(root) -> None:
    planted.plant(root)
    result = run_main(root)
    region = query(
        root,
        "SELECT region FROM members WHERE member_pseudonym = ?",
        [pseudonymize_value("u_moved", b"k" * 64)],
    )
    assert region == [("Jeju",)]
    assert metadata(result, "members_pseudonymized")["rows_superseded"] == 1


def test_quarantine_holds_each_bad_row_with_file_row_and_reason(root) -> None:
    planted.plant(root)
    result = run_main(root)
    assert metadata(result, "members_pseudonymized")["quarantined_unknown_gender"] == 1
    visits = metadata(result, "visits_pseudonymized")
    assert (
        visits["quarantined_unparseable_timestamp"] == 1
        and visits["quarantined_unknown_section"] == 1
    )
    assert visits["rows_read"] == visits["rows_accepted"] + visits["rows_quarantined"]
    orders = metadata(result, "orders_pseudonymized")
    assert orders["quarantined_negative_amount"] == 2 and orders["quarantined_duplicate_id"] == 1
    unplaced = pq.read_table(root / "quarantine" / "visits" / "unplaced.parquet").to_pylist()
    assert [(r["_reason"], r["_source_row"]) for r in unplaced] == [
        ("unparseable_timestamp", len(planted.visit_rows()) - 1)
    ]
    assert unplaced[0]["_source_file"].endswith("raw/visits/part-0.csv")
    members_q = pq.read_table(root / "quarantine" / "members" / "all.parquet")
    assert "password_hash" not in members_q.column_names


def test_person_level_files_are_owner_only(root) -> None:
    planted.plant(root)
    run_main(root)
    files = [root / "warehouse.duckdb", *sorted((root / "quarantine").rglob("*.parquet"))]
    assert len(files) > 3
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_identifiers_are_dropped_and_generalized(root) -> None:
    planted.plant(root)
    run_main(root)
    tables = {
        t: [
            c
            for (c,) in query(
                root, f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{t}'"
            )
        ]
        for t in ("members", "visits", "survey_responses")
    }
    assert "email" not in tables["members"] and "birth_date" not in tables["members"]
    assert {"ip", "user_agent", "url"}.isdisjoint(tables["visits"])
    comments = {c for (c,) in query(root, "SELECT DISTINCT comment FROM survey_responses")}
    assert comments == {"call me <PHONE_NUMBER>"}  # stored scrubbed
    urls = {u for (u,) in query(root, "SELECT DISTINCT url_path FROM visits")}
    assert urls == {"https://www.nktimes.example/news/1"}
    assert query(
        root, "SELECT DISTINCT age_band, age_band_5y FROM members WHERE NOT is_under_14 ORDER BY 1"
    ) == [("20s", "25-29")]


def test_running_twice_changes_nothing(root) -> None:
    planted.plant(root)
    run_main(root)
    tables = ("members", "visits", "orders", "survey_responses", "ad_events")
    before = {t: query(root, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    run_main(root)
    assert {t: query(root, f"SELECT * FROM {t} ORDER BY ALL") for t in tables} == before


def test_files_check_fails_when_a_quarantine_file_is_readable_by_others(root) -> None:
    from pipelines.warehouse_checks import person_level_files_private
    from tests.pipelines.conftest import build_defs

    planted.plant(root)
    run_main(root)
    exposed = sorted((root / "quarantine").rglob("*.parquet"))[0]
    exposed.chmod(0o644)
    resources = build_defs(root).resources
    result = person_level_files_private(inputs=resources["inputs"])
    assert result.passed is False and result.metadata["files_exposed"].value == 1


def test_files_check_fails_when_the_raw_export_is_open_to_others(root) -> None:
    from pipelines.warehouse_checks import person_level_files_private
    from tests.pipelines.conftest import build_defs

    planted.plant(root)
    run_main(root)
    (root / "raw" / "members").chmod(0o755)
    resources = build_defs(root).resources
    result = person_level_files_private(inputs=resources["inputs"])
    assert result.passed is False and result.metadata["files_exposed"].value == 1
