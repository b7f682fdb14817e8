"""The floor: the six marts straight from the raw Parquet, by one hand-written DuckDB script,
and the same by plain pandas. Same eligibility, cookie owners and k; no validation, no
pseudonyms, no scrubbing, no roll-ups: what the marts cost at the very least.

    python -m bench.scale.floor ROOT RUN_DATE K duckdb|pandas
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import duckdb


def _raw(root: Path, table: str) -> str:
    return f"read_parquet('{root}/raw/{table}/*.parquet')"


def floor_sql(root: Path, run_date: dt.date, k: int) -> list[str]:
    age = f"date_diff('year', birth_date, DATE '{run_date}') - (strftime(DATE '{run_date}', '%m%d') < strftime(birth_date, '%m%d'))::INT"
    return [
        f"""CREATE TEMP TABLE m AS SELECT member_id, (age // 10 * 10) || 's' AS age_band, gender,
            region, NOT opt_out AND (age >= 14 OR guardian) AS may_stats,
            consent AND (age >= 14 OR guardian) AS may_ads FROM (
              SELECT member_id, {age.replace("birth_date", "arg_max_null(birth_date, updated_at)")} AS age,
                arg_max_null(gender, updated_at) AS gender, arg_max_null(region, updated_at) AS region,
                arg_max_null(opt_out_research, updated_at) AS opt_out, arg_max_null(consent_ads, updated_at) AS consent,
                arg_max_null(guardian_consent, updated_at) AS guardian
              FROM {_raw(root, "members")} GROUP BY member_id)
            WHERE member_id NOT IN (SELECT member_id FROM {_raw(root, "deletion_requests")})""",
        f"""CREATE TEMP TABLE owners AS SELECT cookie_id, min(member_id) AS owner FROM (
            SELECT cookie_id, member_id FROM {_raw(root, "visits")} WHERE member_id IS NOT NULL
            UNION ALL SELECT cookie_id, member_id FROM {_raw(root, "ad_events")} WHERE member_id IS NOT NULL)
            GROUP BY cookie_id""",
        *(
            f"""CREATE TEMP TABLE {t}_c AS SELECT e.*, coalesce(e.member_id, o.owner) AS who,
                coalesce('m:' || coalesce(e.member_id, o.owner), 'c:' || e.cookie_id) AS unit,
                m.age_band, coalesce(m.gender, 'unknown') AS gender, coalesce(m.region, 'unknown') AS region
                FROM {_raw(root, t)} e LEFT JOIN owners o ON e.member_id IS NULL AND o.cookie_id = e.cookie_id
                LEFT JOIN m ON m.member_id = coalesce(e.member_id, o.owner)
                WHERE CASE WHEN coalesce(e.member_id, o.owner) IS NULL THEN TRUE ELSE coalesce(m.{may}, FALSE) END"""
            for t, may in (("visits", "may_stats"), ("ad_events", "may_ads"))
        ),
        f"""CREATE TEMP TABLE site_traffic_daily AS SELECT ts::DATE AS event_date,
            coalesce(CASE WHEN who IS NULL THEN 'non-members' ELSE 'members' END, 'all') AS audience,
            count(*) AS visits, count(DISTINCT unit) AS users FROM visits_c
            GROUP BY GROUPING SETS ((event_date, CASE WHEN who IS NULL THEN 'non-members' ELSE 'members' END), (event_date))
            HAVING count(DISTINCT unit) >= {k}""",
        f"""CREATE TEMP TABLE section_readership_weekly AS SELECT date_trunc('week', ts)::DATE AS week_start,
            section, age_band, gender, region, count(DISTINCT unit) AS readers FROM visits_c
            WHERE who IS NOT NULL GROUP BY ALL HAVING count(DISTINCT unit) >= {k}""",
        f"""CREATE TEMP TABLE audience_overview AS SELECT age_band, coalesce(gender, 'unknown') AS gender,
            coalesce(region, 'unknown') AS region, count(*) AS members FROM m WHERE may_stats
            GROUP BY ALL HAVING count(*) >= {k}""",
        f"""CREATE TEMP TABLE shopping_monthly AS SELECT date_trunc('month', ts)::DATE AS month_start,
            category, age_band, coalesce(gender, 'unknown') AS gender, count(*) AS orders,
            count(DISTINCT member_id) AS buyers, sum(amount_krw) AS revenue_krw
            FROM {_raw(root, "orders")} JOIN m USING (member_id) WHERE may_stats
            GROUP BY ALL HAVING count(DISTINCT member_id) >= {k}""",
        f"""CREATE TEMP TABLE survey_results AS SELECT survey_id, choice, age_band,
            coalesce(gender, 'unknown') AS gender, count(*) AS responses, count(DISTINCT member_id) AS respondents
            FROM {_raw(root, "survey_responses")} JOIN m USING (member_id) WHERE may_stats
            GROUP BY ALL HAVING count(DISTINCT member_id) >= {k}""",
        f"""CREATE TEMP TABLE ad_campaign_daily AS SELECT campaign_id, ts::DATE AS event_date,
            count(*) FILTER (kind = 'impression') AS impressions, count(*) FILTER (kind = 'click') AS clicks,
            count(DISTINCT unit) FILTER (kind = 'impression') AS reach,
            count(DISTINCT unit) FILTER (kind = 'click') AS clickers FROM ad_events_c
            GROUP BY ALL HAVING count(DISTINCT unit) FILTER (kind = 'impression') >= {k}""",
    ]


MARTS = ("site_traffic_daily", "section_readership_weekly", "audience_overview",
         "shopping_monthly", "survey_results", "ad_campaign_daily")  # fmt: skip


def run_duckdb(root: Path, run_date: dt.date, k: int) -> dict[str, int]:
    conn = duckdb.connect(config={"temp_directory": str(root / "floor-spill")})
    for statement in floor_sql(root, run_date, k):
        conn.execute(statement)
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in MARTS}  # type: ignore[index]


def main() -> None:
    root, run_date, k, engine = (
        Path(sys.argv[1]),
        dt.date.fromisoformat(sys.argv[2]),
        int(sys.argv[3]),
        sys.argv[4],
    )
    t0 = time.perf_counter()
    if engine == "duckdb":
        rows = run_duckdb(root, run_date, k)
    else:
        from bench.scale.floor_pandas import run_pandas

        rows = run_pandas(root, run_date, k)
    print(
        json.dumps({"engine": engine, "seconds": round(time.perf_counter() - t0, 3), "rows": rows})
    )


if __name__ == "__main__":
    main()
