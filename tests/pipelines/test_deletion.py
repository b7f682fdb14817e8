"""P4: a deletion request removes every person-level trace, down to the bytes on disk."""

from __future__ import annotations

from pathlib import Path

from pipelines.constants import DELETION_JOB
from pipelines.warehouse_checks import no_erased_member_remains
from tests.pipelines import planted
from tests.pipelines.conftest import KEY, build_defs, checks, metadata, query, run_config, run_main
from transforms.person.pseudonymize import pseudonymize_value

LEAVER = "u_leaver"
TABLES = ("members", "visits", "orders", "survey_responses", "ad_events")


def traces(root: Path) -> dict[str, bytes]:
    """Byte strings that would betray the leaver if found anywhere the pipeline keeps."""
    key = KEY.encode()
    return {
        "member pseudonym": pseudonymize_value(LEAVER, key).encode(),
        "cookie pseudonym": pseudonymize_value(planted.COOKIES[LEAVER], key).encode(),
        "raw member id": LEAVER.encode(),
        "raw email": planted.MEMBERS[LEAVER]["email"].encode(),
    }


def kept_files(root: Path) -> list[Path]:
    return [root / "warehouse.duckdb", *sorted((root / "quarantine").rglob("*.parquet"))]


def found_in_bytes(root: Path) -> set[str]:
    blobs = [f.read_bytes() for f in kept_files(root)]
    return {name for name, needle in traces(root).items() if any(needle in b for b in blobs)}


def rows_of_leaver(root: Path) -> int:
    key = KEY.encode()
    pseudonyms = [pseudonymize_value(v, key) for v in (LEAVER, planted.COOKIES[LEAVER])]
    total = 0
    for t in TABLES:
        cols = [
            c
            for (c,) in query(
                root,
                f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{t}' AND column_name LIKE '%pseudonym'",
            )
        ]
        where = " OR ".join(f"{c} IN (?, ?)" for c in cols)
        total += query(root, f"SELECT count(*) FROM {t} WHERE {where}", pseudonyms * len(cols))[0][
            0
        ]
    return total


def test_deletion_job_removes_every_row_pseudonym_and_byte(root) -> None:
    planted.plant(root)
    run_main(root)
    assert rows_of_leaver(root) == 7  # member, 2 visits and 1 logged out, order, survey, ad event
    assert {"raw member id", "raw email"} <= found_in_bytes(
        root
    )  # their bad order sits in quarantine

    planted.request_deletion(root, LEAVER)
    job = build_defs(root).resolve_job_def(DELETION_JOB)
    result = job.execute_in_process(
        run_config={"ops": {"member_erasure": run_config()["ops"]["member_erasure"]}}
    )

    assert result.success and all(checks(result).values()), checks(result)
    meta = metadata(result, "member_erasure")
    assert meta["members_erased"] == 1 and meta["quarantine_rows_purged"] == 2  # order, visit
    assert rows_of_leaver(root) == 0
    assert found_in_bytes(root) == set()
    # everyone else is still there
    assert query(root, "SELECT count(*) FROM members")[0][0] == len(planted.MEMBERS) - 1


def test_deleted_member_never_comes_back_on_later_runs(root) -> None:
    planted.plant(root)
    planted.request_deletion(root, LEAVER)
    result = run_main(root)
    assert result.success
    assert (
        metadata(result, "visits_pseudonymized")["rows_erased"] == 3
    )  # 2 logged in + 1 logged out
    assert rows_of_leaver(root) == 0
    assert found_in_bytes(root) == set()


def test_the_pseudonym_would_be_found_in_the_bytes(root) -> None:
    """Positive control for the byte scans above: before deletion the pseudonym is on disk."""
    planted.plant(root)
    run_main(root)
    assert "member pseudonym" in found_in_bytes(root)


def test_erasure_check_fails_when_a_row_survives(root) -> None:
    planted.plant(root)
    run_main(root)
    planted.request_deletion(root, LEAVER)  # requested, but the deletion job has not run yet
    resources = build_defs(root).resources
    result = no_erased_member_remains(warehouse=resources["warehouse"], inputs=resources["inputs"])
    assert result.passed is False
    assert (
        # 7 of rows_of_leaver + their cookie link + their targeting list row (shoppers_books)
        # + 5 deny-list digests (name, nickname, email and its handle, phone)
        result.metadata["warehouse_rows"].value == 14
        and result.metadata["quarantine_rows"].value == 2
    )
