"""Recount the planted bad rows from the files alone, with rules written here, not the validator's.

Every row gets the list of problems it has; a bad row must have exactly one, and the counts per
reason must equal the generator's summary (the ground truth other tests trust).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sampledata import GenerationSummary, generate

END = dt.date(2026, 11, 24)
KEYS = {"members": "member_id", "visits": "cookie_id", "orders": "order_id",
        "survey_responses": "response_id", "ad_events": "event_id", "deletion_requests": "member_id"}  # fmt: skip
TIMES = {"members": "updated_at", "deletion_requests": "requested_at"}
REGIONS = ("Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gyeonggi",
           "Gangwon", "North Chungcheong", "South Chungcheong", "North Jeolla", "South Jeolla",
           "North Gyeongsang", "South Gyeongsang", "Jeju")  # fmt: skip
SECTIONS = ("politics", "economy", "society", "north_korea", "world", "sports", "culture",
            "opinion", "shopping")  # fmt: skip
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^010-[0-9]{4}-[0-9]{4}$"
TYPES = {"string": pa.string(), "ts": pa.timestamp("us"), "date": pa.date32(), "bool": pa.bool_(),
         "int": pa.int64()}  # fmt: skip
SCHEMAS = {
    "members": [("member_id", "string"), ("email", "string"), ("nickname", "string"),
                ("password_hash", "string"), ("mobile_phone", "string"), ("real_name", "string"),
                ("birth_date", "date"), ("gender", "string"), ("region", "string"),
                ("signup_at", "ts"), ("consent_ads", "bool"), ("opt_out_research", "bool"),
                ("guardian_consent", "bool"), ("updated_at", "ts")],
    "visits": [("cookie_id", "string"), ("member_id", "string"), ("ts", "ts"),
               ("section", "string"), ("url", "string"), ("referrer", "string"),
               ("ip", "string"), ("user_agent", "string")],
    "orders": [("order_id", "string"), ("member_id", "string"), ("ts", "ts"),
               ("category", "string"), ("amount_krw", "int")],
    "survey_responses": [("response_id", "string"), ("survey_id", "string"),
                         ("member_id", "string"), ("ts", "ts"), ("choice", "string"),
                         ("comment", "string")],
    "ad_events": [("event_id", "string"), ("campaign_id", "string"), ("cookie_id", "string"),
                  ("member_id", "string"), ("ts", "ts"), ("kind", "string")],
    "deletion_requests": [("member_id", "string"), ("requested_at", "ts")],
}  # fmt: skip


def _in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} NOT IN ({', '.join(repr(a) for a in allowed)})"


def problems(table: str, run_date: dt.date) -> dict[str, str]:
    """reason -> SQL condition on an all-text row."""
    key, time = KEYS[table], TIMES.get(table, "ts")
    out = {
        "missing_key": f"{key} IS NULL",
        "unparseable_timestamp": f"TRY_CAST({time} AS TIMESTAMP) IS NULL",
    }
    if table == "members":
        out |= {
            "unparseable_date": "birth_date IS NOT NULL AND TRY_CAST(birth_date AS DATE) IS NULL",
            "birth_date_out_of_range": f"TRY_CAST(birth_date AS DATE) NOT BETWEEN DATE '1900-01-01' AND DATE '{run_date}'",
            "unknown_gender": f"gender IS NOT NULL AND {_in('gender', ('F', 'M'))}",
            "unknown_region": f"region IS NOT NULL AND {_in('region', REGIONS)}",
            "malformed_email": f"NOT regexp_full_match(email, '{EMAIL}')",
            "malformed_phone": f"NOT regexp_full_match(mobile_phone, '{PHONE}')",
            "unparseable_bool": " OR ".join(
                f"TRY_CAST({c} AS BOOLEAN) IS NULL"
                for c in ("consent_ads", "opt_out_research", "guardian_consent")
            ),
        }
    if table == "visits":
        out["unknown_section"] = f"section IS NULL OR {_in('section', SECTIONS)}"
    if table == "orders":
        out["unparseable_amount"] = "TRY_CAST(amount_krw AS BIGINT) IS NULL"
        out["negative_amount"] = "TRY_CAST(amount_krw AS BIGINT) < 0"
    if table == "ad_events":
        out["unknown_kind"] = f"kind IS NULL OR {_in('kind', ('impression', 'click'))}"
    if table != "members":  # an event's member_id is a member's or empty, never garbage
        out["bad_member_ref"] = (
            "member_id IS NOT NULL AND NOT regexp_full_match(member_id, 'u[0-9]{8}')"
        )
    return out


def load(conn: duckdb.DuckDBPyConnection, table: str, files: list[Path]) -> None:
    cols = [c for c, _ in SCHEMAS[table]]
    parts = []
    for f in files:
        if f.suffix == ".parquet":
            casts = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in cols)
            parts.append(f"SELECT {casts} FROM read_parquet('{f}')")
        else:
            parts.append(
                f"SELECT {', '.join(cols)} FROM read_csv('{f}', all_varchar=true, header=true)"
            )
    conn.execute(f"CREATE OR REPLACE TABLE t AS {' UNION ALL '.join(parts)}")


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    root = tmp_path_factory.mktemp("truth")
    return generate(root, members=400, days=3, seed=3, end_date=END, bad_share=0.03)


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_recounted_bad_rows_match_the_summary(summary: GenerationSummary, table: str) -> None:
    conn = duckdb.connect()
    load(conn, table, summary.files[table])
    conds = problems(table, END + dt.timedelta(days=1))
    flags = ", ".join(f'({c})::INT AS "{r}"' for r, c in conds.items())
    conn.execute(f"CREATE TABLE f AS SELECT *, {flags} FROM t")
    total = " + ".join(f'coalesce("{r}", 0)' for r in conds)
    assert conn.execute(f"SELECT count(*) FROM f WHERE {total} > 1").fetchone() == (0,)
    found = {
        r: conn.execute(f'SELECT count(*) FROM f WHERE "{r}" = 1').fetchone()[0] for r in conds
    }
    if table in ("orders", "survey_responses", "ad_events"):  # later exact copies of a good row
        key = KEYS[table]
        found["duplicate_id"] = conn.execute(
            f"SELECT count(*) - count(DISTINCT {key}) FROM f WHERE {total} = 0"
        ).fetchone()[0]
        same = f"SELECT count(DISTINCT f) FROM f WHERE {key} IS NOT NULL GROUP BY {key}"
        assert max(n for (n,) in conn.execute(same).fetchall()) == 1  # copies are exact
    found = {r: n for r, n in found.items() if n}
    assert found == summary.bad[table]
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == summary.rows[table]
    rows = summary.rows[table]
    assert 0.01 * rows <= sum(found.values()) <= 0.06 * rows + 10  # about bad_share


def test_bad_members_have_their_id_to_themselves(summary: GenerationSummary) -> None:
    conn = duckdb.connect()
    load(conn, "members", summary.files["members"])
    conds = " OR ".join(f"({c})" for c in problems("members", END + dt.timedelta(days=1)).values())
    shared = conn.execute(
        f"SELECT count(*) FROM t WHERE coalesce({conds}, false) AND member_id IN "
        "(SELECT member_id FROM t GROUP BY 1 HAVING count(*) > 1)"
    ).fetchone()
    assert shared == (0,)
    counts = dict(
        conn.execute(
            "SELECT n, count(*) FROM (SELECT count(*) n FROM t GROUP BY member_id) GROUP BY n"
        ).fetchall()
    )
    assert {2, 3} <= set(counts)  # valid repeats: the newest updated_at wins


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_parquet_types_and_file_names(summary: GenerationSummary, table: str) -> None:
    expected = pa.schema([(c, TYPES[t]) for c, t in SCHEMAS[table]])
    names = [f.name for f in summary.files[table]]
    assert all(re.fullmatch(r"(part|broken)-\d{5}\.(parquet|csv)", n) for n in names), names
    assert not [n for n in names if n.startswith("broken") and n.endswith(".parquet")]
    for f in summary.files[table]:
        if f.suffix == ".parquet":
            assert pq.read_schema(f).remove_metadata() == expected, f


def test_events_respect_members_and_deletions(summary: GenerationSummary) -> None:
    raw = summary.data_root / "raw"
    conn = duckdb.connect()
    members = f"read_parquet('{raw}/members/part-*.parquet')"
    visits = f"read_parquet('{raw}/visits/part-*.parquet')"
    share = conn.execute(f"SELECT avg((member_id IS NULL)::INT) FROM {visits}").fetchone()[0]
    assert 0.3 < share < 0.5  # non-member cookies
    first = END - dt.timedelta(days=2)
    assert conn.execute(
        f"SELECT min(ts)::DATE, max(ts)::DATE FROM {visits} WHERE cookie_id IS NOT NULL"
    ).fetchone() == (first, END)
    late = conn.execute(f"SELECT count(*) FROM {members} WHERE signup_at >= DATE '{first}'")
    assert late.fetchone() == (0,)
    per_member = conn.execute(
        f"SELECT max(n) FROM (SELECT member_id, count(DISTINCT cookie_id) n FROM {visits} "
        "WHERE member_id IS NOT NULL GROUP BY 1)"
    ).fetchone()
    assert per_member is not None and per_member[0] <= 3
    requests = f"read_csv('{raw}/deletion_requests/part-*.csv')"
    after = conn.execute(
        f"SELECT count(*) FROM {requests} d JOIN {visits} v USING (member_id) WHERE v.ts > d.requested_at"
    ).fetchone()
    assert after == (0,)  # a member asks for deletion after their last event
    on_end = conn.execute(
        f"SELECT count(*) FROM {requests} WHERE requested_at::DATE = DATE '{END}'"
    )
    assert on_end.fetchone()[0] > 0


def test_comments_carry_every_kind_of_identifier(tmp_path: Path) -> None:
    truth = generate(tmp_path, members=3000, days=2, seed=9, end_date=END)
    raw = truth.data_root / "raw"
    conn = duckdb.connect()
    load(conn, "survey_responses", truth.files["survey_responses"])
    conn.execute("ALTER TABLE t RENAME TO surveys")
    load(conn, "members", truth.files["members"])
    digits = "regexp_replace(comment, '[^0-9]', '', 'g')"
    kinds = {
        "real_name": "contains(comment, m.real_name)",
        "nickname": "contains(comment, m.nickname)",
        "email": "contains(comment, m.email)",
        "phone": f"contains({digits}, replace(m.mobile_phone, '-', '')[2:])",
        "rrn": r"regexp_matches(comment, '\d{6}-[1-4]\d{6}')",
    }
    found = {
        k: conn.execute(
            f"SELECT count(*) FROM surveys s JOIN t m USING (member_id) WHERE {cond}"
        ).fetchone()[0]
        for k, cond in kinds.items()
    }
    assert all(found.values()), found
    comments = conn.execute("SELECT count(comment), count(*) FROM surveys").fetchone()
    assert comments is not None and 0.3 < comments[0] / comments[1] < 0.6  # mostly empty
    forms = [
        c
        for (c,) in conn.execute(
            "SELECT comment FROM surveys WHERE comment LIKE '%010%'"
        ).fetchall()
    ]
    assert any(re.search(r"010-\d{4}-\d{4}으로", c) for c in forms) or any(
        "+82" in c for c in forms
    )
    leaks = conn.execute(
        f"SELECT count(*) FROM read_parquet('{raw}/visits/*.parquet') WHERE url LIKE '%email=%@%'"
    )
    assert leaks.fetchone()[0] > 0
