"""Contract-shaped raw data at a named size, written by DuckDB SQL (minutes even at `large`).

Independent of `sampledata` on purpose: its own distributions, so the pipeline is not tuned to
one generator. What makes a real site costly is here: about 40% of visits on non-member cookies
(a pool four times the members), power-law activity (member rank ~ u^3), about one distinct URL
path per five visits (article ids of 14 digits, which look like numbers but are no phone),
internal referrers, a few identifiers leaked into paths, and comments of which one in five
holds the member's phone, email or name. Randomness is `hash(row, stream)`: same size, same data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from bench.scale.sizes import Size
from sampledata.comments import HARMLESS
from sampledata.identities import REGIONS
from sampledata.vocab import CAMPAIGNS, CATEGORIES, SECTIONS, SURVEYS

SITE = "https://www.nktimes.example"
SEARCH_REFERRERS = (
    "https://search.naver.com/search.naver?where=news&query=%EB%B6%81%ED%95%9C",
    "https://www.google.com/search?q=nk+times",
    "https://m.facebook.com/story.php?id=1",
    "https://www.daum.net/",
)
AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; SM-S928N) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15",
)
SURNAMES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오")
SYLLABLES = ("민", "서", "지", "현", "우", "준", "영", "수", "연", "호", "은", "진", "성", "아")
WORDS = ("election", "budget", "missile", "summit", "kimchi", "league", "festival", "market")


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _pick(values: tuple[str, ...], stream: str) -> str:
    """SQL choosing one of `values` uniformly by the random stream expression."""
    return f"{_list(values)}[1 + floor(({stream}) * {len(values)})::INT]"


MACROS = (
    "CREATE MACRO u(i, s) AS ((hash(i::BIGINT * 64 + s) % 1000000007)::DOUBLE / 1000000007)",
    "CREATE MACRO member_id(m) AS 'u' || (10000000 + m)",
    "CREATE MACRO cookie_of(g, n) AS CASE WHEN u(g, 1) < 0.6 "
    "THEN md5('c' || floor(n * pow(u(g, 2), 3))::BIGINT || '.' || (u(g, 4) < 0.3)::INT) "
    "ELSE md5('a' || floor(4 * n * u(g, 3))::BIGINT) END",
    "CREATE MACRO member_of(g, n) AS CASE WHEN u(g, 1) < 0.6 AND u(g, 5) < 0.75 "
    "THEN member_id(floor(n * pow(u(g, 2), 3))::BIGINT) END",
    "CREATE MACRO article(g, s, a) AS 20260000000000 + floor(a * pow(u(g, s), 1.6))::BIGINT",
)


def _members_sql(size: Size, updated: dt.datetime) -> str:
    phone = "'010-' || lpad((hash(m, 'p') % 10000)::VARCHAR, 4, '0') || '-' || lpad((m % 10000)::VARCHAR, 4, '0')"
    name = f"{_pick(SURNAMES, 'u(m, 6)')} || {_pick(SYLLABLES, 'u(m, 7)')} || {_pick(SYLLABLES, 'u(m, 8)')}"
    regions = (*REGIONS, "Seoul", "Seoul", "Gyeonggi", "Gyeonggi", "Gyeonggi")
    return f"""SELECT member_id(m) AS member_id,
        'reader' || m || '@' || {_pick(("naver.com", "daum.net", "gmail.com"), "u(m, 9)")} AS email,
        'nk_' || m AS nickname, md5('pw' || m) AS password_hash, {phone} AS mobile_phone,
        {name} AS real_name,
        (DATE '1948-01-01' + floor(u(m, 10) * 365 * 64)::INT) AS birth_date,
        CASE WHEN u(m, 11) < 0.49 THEN 'F' WHEN u(m, 11) < 0.97 THEN 'M' END AS gender,
        CASE WHEN u(m, 12) < 0.97 THEN {_pick(regions, "u(m, 13)")} END AS region,
        TIMESTAMP '2015-01-01' + to_seconds(floor(u(m, 14) * 3.4e8)::BIGINT) AS signup_at,
        u(m, 15) < 0.7 AS consent_ads, u(m, 16) < 0.05 AS opt_out_research,
        u(m, 17) < 0.5 AS guardian_consent,
        TIMESTAMP '{updated}' - to_seconds(floor(u(m, 18) * 86400)::BIGINT) AS updated_at
        FROM range({size.members}) t(m)"""


def _visits_sql(size: Size, day: dt.date, first: int, n: int) -> str:
    a = size.visits // 10  # article pool: about 1.8M distinct paths per 10M visits
    art = "article(g, 9, " + str(a) + ")"
    path = f"""CASE WHEN u(g, 8) < 0.70 THEN '/news/articleView/' || {art}
        WHEN u(g, 8) < 0.85 THEN '/' || section || '/list?page=' || (1 + floor(u(g, 11) * 9)::INT)
        WHEN u(g, 8) < 0.97 THEN '/story/' || {_pick(WORDS, f"u({art}, 12)")} || '-' || {art}
        WHEN u(g, 8) < 0.999 THEN '/search?q=' || {_pick(WORDS, "u(g, 12)")}
        WHEN u(g, 8) < 0.9995 THEN '/member/reader' || (g % {size.members}) || '@naver.com/profile'
        ELSE '/my/orders/010-' || lpad((g % 10000)::VARCHAR, 4, '0') || '-5678' END"""
    tail = f"""CASE WHEN contains(path, '?') THEN '' ELSE {_pick(("", "", "?utm_source=naver", "#comments"), "u(g, 13)")} END"""
    referrer = f"""CASE WHEN u(g, 10) < 0.4 THEN NULL
        WHEN u(g, 10) < 0.7 THEN {_pick(SEARCH_REFERRERS, "u(g, 14)")}
        ELSE '{SITE}/news/articleView/' || article(g, 15, {a}) END"""
    return f"""SELECT cookie_id, member_id, ts, section, '{SITE}' || path || {tail} AS url,
        referrer, ip, user_agent FROM (
        SELECT g, cookie_of(g, {size.members}) AS cookie_id, member_of(g, {size.members}) AS member_id,
        TIMESTAMP '{day}' + to_seconds(floor(u(g, 6) * 86400)::BIGINT) AS ts,
        {_pick(SECTIONS, "u(g, 7)")} AS section,
        '10.' || (hash(cookie_id) % 256) || '.' || (hash(cookie_id, 1) % 256) || '.7' AS ip,
        {_list(AGENTS)}[1 + (hash(cookie_id) % {len(AGENTS)})::INT] AS user_agent
        FROM range({first}, {first + n}) t(g)) v, LATERAL (SELECT {path} AS path) p,
        LATERAL (SELECT {referrer} AS referrer) r ORDER BY ts"""


def _ad_events_sql(size: Size, day: dt.date, first: int, n: int) -> str:
    campaigns = (*CAMPAIGNS, "c_partner_x")
    return f"""SELECT 'e' || g AS event_id, {_pick(campaigns, "u(g, 7)")} AS campaign_id,
        cookie_of(g, {size.members}) AS cookie_id, member_of(g, {size.members}) AS member_id,
        TIMESTAMP '{day}' + to_seconds(floor(u(g, 6) * 86400)::BIGINT) AS ts,
        CASE WHEN u(g, 8) < 0.035 THEN 'click' ELSE 'impression' END AS kind
        FROM range({first}, {first + n}) t(g) ORDER BY ts"""


def _orders_sql(size: Size, day: dt.date, first: int, n: int) -> str:
    return f"""SELECT 'o' || g AS order_id, member_id(floor({size.members} * pow(u(g, 2), 2))::BIGINT) AS member_id,
        TIMESTAMP '{day}' + to_seconds(floor(u(g, 6) * 86400)::BIGINT) AS ts,
        {_pick(CATEGORIES, "u(g, 7)")} AS category,
        (1000 + floor(u(g, 8) * u(g, 9) * 3000) * 100)::BIGINT AS amount_krw
        FROM range({first}, {first + n}) t(g) ORDER BY ts"""


def _survey_sql(size: Size, day: dt.date, first: int, n: int) -> str:
    surveys = tuple(SURVEYS)
    choice = " ".join(f"WHEN '{s}' THEN {_pick(SURVEYS[s], 'u(g, 9)')}" for s in surveys)
    pii = ("연락 주세요 ' || mobile_phone || '", "경품은 ' || email || ' 로 부탁드려요",
           "제 이름은 ' || real_name || '입니다", "Reach me on ' || replace(mobile_phone, '-', '') || ' please")  # fmt: skip
    pii_sql = "[" + ", ".join(f"'{t}'" for t in pii) + "][1 + floor(u(g, 12) * 4)::INT]"
    return f"""SELECT 'r' || g AS response_id, survey_id, s.member_id, ts,
        CASE survey_id {choice} END AS choice,
        CASE WHEN u(g, 10) < 0.5 THEN NULL WHEN u(g, 10) < 0.9 THEN {_pick(HARMLESS, "u(g, 11)")}
        ELSE {pii_sql} END AS comment
        FROM (SELECT g, {_pick(surveys, "u(g, 7)")} AS survey_id,
              member_id(floor({size.members} * u(g, 2))::BIGINT) AS member_id,
              TIMESTAMP '{day}' + to_seconds(floor(u(g, 6) * 86400)::BIGINT) AS ts
              FROM range({first}, {first + n}) t(g)) s JOIN members USING (member_id) ORDER BY ts"""


def generate(root: Path, size: Size, end: dt.date) -> dict[str, int]:
    """Write raw/<table>/ under `root` for `size.days` days ending `end`; rows per table."""
    first_day = end - dt.timedelta(days=size.days - 1)
    conn = duckdb.connect(config={"memory_limit": "6GB", "temp_directory": str(root / "gen-spill")})
    for macro in MACROS:
        conn.execute(macro)
    updated = dt.datetime.combine(first_day, dt.time())
    conn.execute(f"CREATE TABLE members AS {_members_sql(size, updated)}")
    rows: dict[str, int] = {}

    def write(table: str, query: str, stem: str) -> None:
        folder = root / "raw" / table
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{stem}.parquet"
        conn.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 250000)")
        rows[table] = (
            rows.get(table, 0) + conn.execute(f"SELECT count(*) FROM '{target}'").fetchone()[0]
        )  # type: ignore[index]

    older = """SELECT * REPLACE (CASE WHEN region = 'Seoul' THEN 'Busan' ELSE 'Seoul' END AS region,
        updated_at - INTERVAL 400 DAY AS updated_at) FROM members WHERE u(hash(member_id) % 1000000007, 19) < 0.05"""
    write("members", "SELECT * FROM members", "members")
    write("members", older, "members-older")
    erased = f"""SELECT member_id, TIMESTAMP '{end}' + INTERVAL 12 HOUR AS requested_at
        FROM members WHERE u(hash(member_id) % 1000000007, 20) < 0.005"""
    write("deletion_requests", erased, "requests")
    makers = {"visits": (_visits_sql, size.visits), "ad_events": (_ad_events_sql, size.ad_events),
              "orders": (_orders_sql, size.orders), "survey_responses": (_survey_sql, size.comments)}  # fmt: skip
    for table, (maker, total) in makers.items():
        per_day = total // size.days
        for d in range(size.days):
            day = first_day + dt.timedelta(days=d)
            write(table, maker(size, day, d * per_day, per_day), f"day-{day}")
    conn.close()
    return rows
