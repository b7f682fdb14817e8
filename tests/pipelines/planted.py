"""A small, hand-planted population: one member per rule the pipeline must keep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipelines.conftest import write_table

ADULT = {
    "email": None, "nickname": None, "password_hash": "$2b$12$secretsecretsecret",
    "mobile_phone": None, "real_name": None, "birth_date": "1999-05-05", "gender": "F",
    "region": "Seoul", "signup_at": "2024-01-01 00:00:00", "consent_ads": True,
    "opt_out_research": False, "guardian_consent": False, "updated_at": "2025-01-01 00:00:00",
}  # fmt: skip

MEMBERS: dict[str, dict[str, Any]] = {
    "u_adult": {},
    "u_no_consent": {"consent_ads": False},
    "u_opt_out": {"opt_out_research": True},
    "u_child": {"birth_date": "2014-01-01"},
    "u_child_guarded": {"birth_date": "2014-01-01", "guardian_consent": True},
    "u_unknown_age": {"birth_date": None},
    "u_leaver": {"gender": "M", "region": "Busan"},
    "u_moved": {"region": "Jeju", "updated_at": "2025-06-01 00:00:00"},
}
# identifiers are unique per member so a leak of any of them can be traced
for i, (mid, extra) in enumerate(MEMBERS.items()):
    extra.setdefault("email", f"{mid.replace('_', '')}@naver.com")
    extra.setdefault("mobile_phone", f"010-4000-{1000 + i}")
    extra.setdefault("nickname", f"nick{mid}")
    extra.setdefault("real_name", f"홍길{chr(0xAC00 + i)}")

COOKIES = {mid: f"cookie{idx:04d}deadbeefcafe" for idx, mid in enumerate(MEMBERS)}
ANON_COOKIE = "cookieanonymous0000beef"
LEAVER_ANON_DAY = "2026-11-23 09:00:00"  # the leaver's cookie, logged out


def member_rows() -> list[dict[str, Any]]:
    rows = [{**ADULT, "member_id": mid, **extra} for mid, extra in MEMBERS.items()]
    rows.append(
        {
            **ADULT,
            "member_id": "u_moved",
            **MEMBERS["u_moved"],
            "region": "Daegu",
            "updated_at": "2025-02-01 00:00:00",
        }
    )  # older row of u_moved: loses
    rows.append({**ADULT, "member_id": "u_bad", "email": "u_bad@daum.net", "gender": "X"})
    return rows


def visit_rows() -> list[dict[str, Any]]:
    rows = []
    for mid in MEMBERS:
        for day in ("2026-11-21", "2026-11-22"):
            rows.append({
                "cookie_id": COOKIES[mid], "member_id": mid, "ts": f"{day} 10:00:00",
                "section": "sports",
                "url": f"https://www.nktimes.example/news/1?email={MEMBERS[mid]['email']}#c",
                "referrer": "https://search.naver.com/search.naver?query=x", "ip": "10.0.0.7",
                "user_agent": "Mozilla/5.0 (iPhone) Mobile",
            })  # fmt: skip
    rows.append({**rows[0], "cookie_id": ANON_COOKIE, "member_id": None, "ip": "10.0.0.8"})
    leaver = next(r for r in rows if r["member_id"] == "u_leaver")
    rows.append({**leaver, "member_id": None, "ts": LEAVER_ANON_DAY})
    rows.append({**rows[0], "ts": "someday"})  # unplaceable: quarantined
    rows.append({**leaver, "section": "weather"})  # quarantined, with the leaver's email in its URL
    return rows


def order_rows() -> list[dict[str, Any]]:
    rows = [
        {"order_id": f"o_{mid}", "member_id": mid, "ts": "2026-11-22 12:00:00",
         "category": "books", "amount_krw": 15000}
        for mid in MEMBERS
    ]  # fmt: skip
    rows.append({**rows[0], "order_id": "o_neg_leaver", "member_id": "u_leaver", "amount_krw": -1})
    rows.append({**rows[0], "order_id": "o_neg_adult", "amount_krw": -1})
    rows.append(dict(rows[0]))  # duplicate id
    return rows


def plant(root: Path) -> None:
    write_table(root, "members", member_rows())
    write_table(root, "visits", visit_rows())
    write_table(root, "orders", order_rows())
    write_table(root, "survey_responses", [
        {"response_id": f"r_{mid}", "survey_id": "s1", "member_id": mid,
         "ts": "2026-11-22 13:00:00", "choice": "a",
         "comment": f"call me {MEMBERS[mid]['mobile_phone']}"}
        for mid in MEMBERS
    ])  # fmt: skip
    write_table(root, "ad_events", [
        {"event_id": f"e_{mid}", "campaign_id": "c_books", "cookie_id": COOKIES[mid],
         "member_id": mid, "ts": "2026-11-22 14:00:00", "kind": "impression"}
        for mid in MEMBERS
    ])  # fmt: skip
    write_table(root, "deletion_requests", [])


def request_deletion(root: Path, member_id: str) -> None:
    write_table(
        root, "deletion_requests", [{"member_id": member_id, "requested_at": "2026-11-24 08:00:00"}]
    )
