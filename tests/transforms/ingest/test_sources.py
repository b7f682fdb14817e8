from __future__ import annotations

import datetime as dt

import pytest

from transforms.contract import MEMBERS, VISITS
from transforms.ingest.sources import (
    Branch,
    Classification,
    TimeScope,
    UnclassifiedColumnError,
    branch_sql,
    extra_columns,
    raw_rows_sql,
)
from transforms.ingest.validation import ValidationWindow
from transforms.sql import ident

MEMBER_COLUMNS = MEMBERS.column_names


def branch(columns: tuple[str, ...], label: str = "raw/members/part-0.csv") -> Branch:
    return Branch(scan="t", columns=columns, row_number="1", label=label)


def test_unclassified_column_stops_the_table_naming_file_and_column() -> None:
    with pytest.raises(UnclassifiedColumnError, match=r"favourite_colour in raw/members/x\.csv"):
        extra_columns(
            MEMBERS, branch((*MEMBER_COLUMNS, "favourite_colour"), "raw/members/x.csv"), {}
        )


@pytest.mark.parametrize(
    ("classification", "kept"),
    [
        (Classification.SAFE, ["tier"]),
        (Classification.IDENTIFIER, []),
        (Classification.QUASI_IDENTIFIER, []),
    ],
)
def test_classified_columns_pass_only_when_safe(classification, kept) -> None:
    assert (
        extra_columns(MEMBERS, branch((*MEMBER_COLUMNS, "tier"), "f"), {"tier": classification})
        == kept
    )


def test_password_hash_is_never_selected() -> None:
    sql = branch_sql(MEMBERS, branch(MEMBER_COLUMNS), [], None)
    assert "password_hash" not in sql


def test_missing_columns_are_null_and_every_branch_has_origin(conn) -> None:
    conn.execute("CREATE TABLE t AS SELECT 'u1' AS member_id, 'x.csv' AS filename")
    row = conn.execute(
        f"SELECT * FROM ({raw_rows_sql(MEMBERS, [branch(('member_id',))], [], None)})"
    ).fetchall()
    assert row[0][0] == "u1" and row[0][-3:] == ("x.csv", 1, None)


WINDOW = ValidationWindow(dt.datetime(2020, 1, 1), dt.datetime(2026, 11, 25), dt.date(2026, 11, 25))


def times_table(conn, times: list[str | None]) -> None:
    """Table t of raw time values (a file name column beside), as a branch scans it."""
    conn.execute("CREATE TABLE t (ts VARCHAR, filename VARCHAR DEFAULT 'f')")
    conn.executemany("INSERT INTO t (ts) VALUES (?)", [[x] for x in times])


def test_scope_keeps_its_days_and_every_unplaceable_row(conn) -> None:
    times_table(conn, ["2026-11-19 23:59:59", "2026-11-20 00:00:00", "2026-11-20 23:59:59",
                       "2026-11-21 00:00:00", "garbage", None, "2019-01-01 00:00:00", "2030-01-01 00:00:00"])  # fmt: skip
    window = WINDOW
    scope = TimeScope(dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 21), window)
    sql = raw_rows_sql(VISITS, [Branch("t", ("ts",), "1", "t")], [], scope)
    kept = sorted(str(r[0]) for r in conn.execute(f"SELECT ts FROM ({sql})").fetchall())
    assert kept == [
        "2019-01-01 00:00:00",
        "2026-11-20 00:00:00",
        "2026-11-20 23:59:59",
        "2030-01-01 00:00:00",
        "None",
        "garbage",
    ]


def test_a_range_goes_day_by_day_and_each_row_to_one_day(conn) -> None:
    """Issue 14: a step loads its days one at a time; the union of the days is the range, and
    the rows no day can hold come with the first day only."""
    times_table(conn, ["2026-11-19 23:59:59", "2026-11-20 00:00:00", "2026-11-21 12:00:00",
                       "2026-11-22 23:59:59", "garbage", None, "2030-01-01 00:00:00"])  # fmt: skip
    scope = TimeScope(dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 23), WINDOW)
    days = scope.days()
    assert [(d.start.day, d.end.day, d.unplaceable) for d in days] == [
        (20, 21, True),
        (21, 22, False),
        (22, 23, False),
    ]
    branch = [Branch("t", ("ts",), "1", "t")]

    def rows(s: TimeScope) -> list[str]:
        return sorted(
            str(r[0])
            for r in conn.execute(
                f"SELECT ts FROM ({raw_rows_sql(VISITS, branch, [], s)})"
            ).fetchall()
        )

    assert sorted(r for d in days for r in rows(d)) == rows(scope)
    assert rows(days[1]) == ["2026-11-21 12:00:00"]


@pytest.mark.parametrize(
    "name",
    [
        "1 AS VARCHAR); COPY (SELECT 1) TO '/tmp/x' (FORMAT csv); SELECT CAST(1",
        'a"b',
        "loyalty tier",
        "_source_row",
        "",
        "x" * 64,
    ],
)
def test_a_column_name_outside_plain_identifiers_stops_the_table_by_position(name) -> None:
    columns = (*MEMBER_COLUMNS, name)
    with pytest.raises(
        UnclassifiedColumnError, match=rf"column\(s\) {len(columns)} \(counting"
    ) as e:
        extra_columns(MEMBERS, branch(columns, "raw/members/x.csv"), {name: Classification.SAFE})
    assert "raw/members/x.csv" in str(e.value)
    if name:
        assert name not in str(e.value)


def test_every_column_name_reaches_sql_quoted(conn) -> None:
    """A name that is SQL stays one quoted identifier: the scan's column, nothing more."""
    name = 'x" AS VARCHAR); CREATE TABLE pwned AS SELECT 1; SELECT CAST("1'
    conn.execute(
        f"CREATE TABLE t AS SELECT 'u1' AS member_id, 'v' AS {ident(name)}, 'f' AS filename"
    )
    b = Branch(scan="t", columns=("member_id", name), row_number="1", label="f")
    conn.execute(f"SELECT * FROM ({branch_sql(MEMBERS, b, [name], None)})").fetchall()
    assert not conn.execute("SELECT * FROM duckdb_tables() WHERE table_name = 'pwned'").fetchall()
