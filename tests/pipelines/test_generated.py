"""The whole pipeline on the generator's data: every planted bad row found, every check green."""

from __future__ import annotations

import datetime as dt

import pytest

from sampledata import generate
from tests.pipelines.conftest import checks, metadata, query, run_main

END = dt.date(2026, 11, 24)
ASSET_OF = {
    "members": "members_pseudonymized",
    "visits": "visits_pseudonymized",
    "orders": "orders_pseudonymized",
    "survey_responses": "survey_responses_pseudonymized",
    "ad_events": "ad_events_pseudonymized",
    "deletion_requests": "member_erasure",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated") / "data"
    truth = generate(root, members=800, days=3, seed=5, end_date=END)
    result = run_main(root, first="2026-11-22", last="2026-11-24")
    return root, truth, result


def test_every_check_passes(generated) -> None:
    _, _, result = generated
    assert result.success and all(checks(result).values()), checks(result)


@pytest.mark.parametrize("table", list(ASSET_OF))
def test_every_planted_bad_row_is_quarantined_with_its_reason(generated, table) -> None:
    _, truth, result = generated
    meta = metadata(result, ASSET_OF[table])
    found = {
        k.removeprefix("quarantined_"): v
        for k, v in meta.items()
        if k.startswith("quarantined_") and k != "quarantined_erased"
    }
    assert found == truth.bad[table]
    assert (
        meta["rows_read"] == truth.rows[table] == meta["rows_accepted"] + meta["rows_quarantined"]
    )


def test_no_deleted_member_and_free_text_only_scrubbed_in_the_warehouse(generated) -> None:
    root, truth, result = generated
    requests_naming_a_member = (
        truth.rows["deletion_requests"] - truth.bad["deletion_requests"]["missing_key"]
    )
    assert metadata(result, "member_erasure")["members_erased"] == requests_naming_a_member
    columns = {
        c for (c,) in query(root, "SELECT column_name FROM duckdb_columns() WHERE NOT internal")
    }
    assert {
        "email",
        "ip",
        "user_agent",
        "url",
        "real_name",
        "password_hash",
        "birth_date",
    }.isdisjoint(columns)
    # about one comment in ten holds an identifier: each is stored with the identifier replaced
    survey = metadata(result, "survey_responses_pseudonymized")
    scrubbed = {k: v for k, v in survey.items() if k.startswith("scrubbed_")}
    replaced = query(root, "SELECT count(*) FROM survey_responses WHERE comment LIKE '%<%>%'")
    assert sum(scrubbed.values()) >= replaced[0][0] > 0
    assert checks(result)["member_erasure:no_raw_identifier_in_warehouse"] is True


def test_second_run_on_unchanged_input_changes_nothing(generated) -> None:
    root, _, _ = generated
    tables = ("members", "visits", "orders", "survey_responses", "ad_events")
    before = {t: query(root, f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {t}") for t in tables}
    assert run_main(root, first="2026-11-22", last="2026-11-24").success
    assert {
        t: query(root, f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {t}") for t in tables
    } == before
