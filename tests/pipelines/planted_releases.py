"""A population where leaving out who must not count changes release counts far beyond the
noise: consenting and non-consenting women in their 20s, children with and without a guardian's
consent, and members who opted out of research, all in Jeju reading culture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.pipelines.conftest import write_table
from tests.pipelines.planted import ADULT

GROUPS: dict[str, tuple[int, dict[str, Any]]] = {
    "w20": (120, {"birth_date": "2000-03-03", "gender": "F"}),
    "w20_no_ads": (400, {"birth_date": "2000-03-03", "gender": "F", "consent_ads": False}),
    "girls_guarded": (150, {"birth_date": "2015-01-01", "guardian_consent": True}),
    "girls_alone": (300, {"birth_date": "2015-01-01", "guardian_consent": False}),
    "men50_opt_out": (300, {"birth_date": "1972-01-01", "gender": "M", "opt_out_research": True}),
}
DAYS = ("2026-11-21", "2026-11-22")
MONTH = "2026-11-01"

SEGMENTS = {
    "women_20s": {"description": "Women 20 to 29", "gender": ["F"], "age": {"from": 20, "to": 29}},
    "ladies_twenties": {"description": "The same women, reworded", "age": {"from": 20, "to": 29},
                        "gender": ["F", "F"]},
    "girls_10s": {"description": "Girls 10 to 19", "gender": ["F"], "age": {"from": 10, "to": 19}},
    "culture_readers": {"description": "Read culture twice",
                        "behaviour": [{"read": "culture", "at_least": 2, "days": 30}]},
}  # fmt: skip


def member_ids(group: str) -> list[str]:
    return [f"r_{group}_{i:03d}" for i in range(GROUPS[group][0])]


def plant(root: Path) -> None:
    members, visits, ads = [], [], []
    for group, (_, fields) in GROUPS.items():
        for mid in member_ids(group):
            members.append({
                **ADULT, "gender": "F", "region": "Jeju", **fields, "member_id": mid,
                "email": f"{mid}@example.com", "nickname": f"n{mid}", "real_name": f"Name {mid}",
                "mobile_phone": f"010-6{len(members):03d}-0000",
            })  # fmt: skip
            for day in DAYS:
                visits.append(
                    {
                        "cookie_id": f"ck_{mid}",
                        "member_id": mid,
                        "ts": f"{day} 10:00:00",
                        "section": "culture",
                        "url": "https://nk.example/c/1",
                        "referrer": "",
                        "ip": "10.1.1.1",
                        "user_agent": "Mozilla/5.0",
                    }
                )
                ads.append({"event_id": f"e_{mid}_{day}", "campaign_id": "c_test",
                            "cookie_id": f"ck_{mid}", "member_id": mid, "ts": f"{day} 11:00:00",
                            "kind": "impression"})  # fmt: skip
    write_table(root, "members", members)
    write_table(root, "visits", visits)
    write_table(root, "ad_events", ads)
    for table in ("orders", "survey_responses", "deletion_requests"):
        write_table(root, table, [])


def releases_config(
    path: Path,
    partner_segments: tuple[str, ...] = ("women_20s", "girls_10s"),
    monthly: float = 3.0,
    release: float = 1.0,
) -> Path:
    config = {
        "public_domains": {"categories": ["books"], "campaigns": ["c_test"]},
        "segments": SEGMENTS,
        "consumers": {
            "demo_partner": {
                "kind": "partner", "k": 50, "monthly_epsilon": monthly,
                "release_epsilon": release, "segments": list(partner_segments),
                "campaign_report": {"max_impressions_per_member": 5, "max_clicks_per_member": 2},
            },
            "research": {
                "kind": "research", "k": 10, "monthly_epsilon": monthly,
                "release_epsilon": release,
                "tables": {"readership_by_profile": {"max_rows_per_member": 3},
                           "buyers_by_category_age": {"max_rows_per_member": 3}},
            },
        },
    }  # fmt: skip
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path
