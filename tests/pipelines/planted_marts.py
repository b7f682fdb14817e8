"""Planted groups for the marts: sizes around k, small regions, and people who may not count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipelines.conftest import write_table
from tests.pipelines.planted import ADULT

THIRTIES, FORTIES, FIFTIES, TWENTIES, CHILD = (
    "1995-03-03", "1985-03-03", "1975-03-03", "2002-03-03", "2014-01-01"
)  # fmt: skip
# name: (count, member fields)
GROUPS: dict[str, tuple[int, dict[str, Any]]] = {
    "busan9": (9, {"birth_date": THIRTIES, "region": "Busan"}),
    "daegu10": (10, {"birth_date": THIRTIES, "region": "Daegu"}),
    "incheon11": (11, {"birth_date": THIRTIES, "region": "Incheon"}),
    "jeju4": (4, {"birth_date": THIRTIES, "region": "Jeju"}),
    "sejong7": (7, {"birth_date": THIRTIES, "region": "Sejong"}),
    "ulsan3": (3, {"birth_date": FORTIES, "gender": "M", "region": "Ulsan"}),
    "child": (15, {"birth_date": CHILD}),
    "child_guarded": (10, {"birth_date": CHILD, "guardian_consent": True}),
    "opted_out": (20, {"birth_date": FIFTIES, "gender": "M", "opt_out_research": True}),
    "fifties": (10, {"birth_date": FIFTIES, "gender": "M"}),
    "ads_yes": (12, {"birth_date": TWENTIES}),
    "ads_no": (30, {"birth_date": TWENTIES, "consent_ads": False}),
}
DAYS = ("2026-11-21", "2026-11-22")
VISITS_PER_DAY = 5
FIRST_DAY, LAST_DAY = "2026-11-20", "2026-11-22"
QUIET_DAY = "2026-11-20"  # only Ulsan's 3 members and 30 non-member cookies
OPTED_OUT_LOGINS = 12  # opted-out members whose one logged-in visit is quarantined


def member_ids(group: str) -> list[str]:
    return [f"m_{group}_{i:02d}" for i in range(GROUPS[group][0])]


def cookie(mid: str) -> str:
    return f"ck_{mid}_0000beefcafe"


def visit(mid: str | None, cookie_id: str, ts: str, section: str = "politics") -> dict[str, Any]:
    return {"cookie_id": cookie_id, "member_id": mid, "ts": ts, "section": section,
            "url": "https://www.nktimes.example/politics/1", "referrer": "", "ip": "10.0.0.1",
            "user_agent": "Mozilla/5.0 (X11; Linux)"}  # fmt: skip


def quiet_day_and_hidden_owners() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Members and visits beyond the groups: a quiet day, and opted-out members whose cookie is
    known only from a visit that fails validation (section 'login') but who browse logged out."""
    members, visits = [], []
    visits += [visit(mid, cookie(mid), f"{QUIET_DAY} 12:00:00") for mid in member_ids("ulsan3")]
    visits += [visit(None, f"ck_anon_{i:02d}_0000beef", f"{QUIET_DAY} 13:00:00") for i in range(30)]
    for i in range(OPTED_OUT_LOGINS):
        mid = f"m_login_{i:02d}"
        members.append({
            **ADULT, "member_id": mid, "birth_date": FIFTIES, "gender": "M",
            "opt_out_research": True, "email": f"{mid}@example.com", "nickname": f"n{mid}",
            "mobile_phone": f"010-8{i:03d}-0000", "real_name": f"Name {mid}",
        })  # fmt: skip
        visits.append(visit(mid, cookie(mid), "2026-11-21 07:00:00", section="login"))
        visits += [visit(None, cookie(mid), f"2026-11-21 08:0{n}:00") for n in range(3)]
    return members, visits


def plant(root: Path) -> None:
    members, visits = quiet_day_and_hidden_owners()
    ads: list[dict[str, Any]] = []
    for group, (_, fields) in GROUPS.items():
        for mid in member_ids(group):
            members.append({
                **ADULT, **fields, "member_id": mid, "email": f"{mid}@example.com",
                "nickname": f"n{mid}", "mobile_phone": f"010-7{len(members):03d}-0000",
                "real_name": f"Name {mid}",
            })  # fmt: skip
            visits += [
                visit(mid, cookie(mid), f"{day} 0{n}:00:00")
                for day in DAYS
                for n in range(VISITS_PER_DAY)
            ]
            if group.startswith("ads_"):
                event = {"campaign_id": "c_test", "cookie_id": cookie(mid), "member_id": mid,
                         "ts": "2026-11-22 09:00:00", "kind": "impression"}  # fmt: skip
                ads.append({**event, "event_id": f"e_{mid}"})
                ads.append({**event, "event_id": f"e_{mid}_out", "member_id": None})  # logged out
    write_table(root, "members", members)
    write_table(root, "visits", visits)
    write_table(root, "ad_events", ads)
    for table in ("orders", "survey_responses", "deletion_requests"):
        write_table(root, table, [])


def plant_small_groups(root: Path) -> None:
    """On top of generated data: three Sejong readers in their 70s, one lone shopper in her 80s."""
    people = [("m_small_sejong_0", "1950-05-05", "M", "Sejong")]
    people += [(f"m_small_sejong_{i}", "1951-05-05", "M", "Sejong") for i in (1, 2)]
    people.append(("m_small_ulsan", "1940-02-02", "F", "Ulsan"))
    members, visits = [], []
    for mid, born, gender, region in people:
        members.append({
            **ADULT, "member_id": mid, "birth_date": born, "gender": gender, "region": region,
            "email": f"{mid}@example.com", "nickname": f"n{mid}", "real_name": f"Name {mid}",
            "mobile_phone": f"010-9{len(members):03d}-1111",
        })  # fmt: skip
        visits += [
            {"cookie_id": cookie(mid), "member_id": mid, "ts": f"2026-11-20 1{n}:00:00",
             "section": "north_korea", "url": "https://www.nktimes.example/nk/9", "referrer": "",
             "ip": "10.0.0.9", "user_agent": "Mozilla/5.0 (X11; Linux)"}
            for n in range(4)
        ]  # fmt: skip
    write_table(root, "members", members, name="planted.csv")
    write_table(root, "visits", visits, name="planted.csv")
    order = {"order_id": "o_small_ulsan", "member_id": "m_small_ulsan",
             "ts": "2026-11-18 12:00:00", "category": "books", "amount_krw": 990000}  # fmt: skip
    write_table(root, "orders", [order], name="planted.csv")
