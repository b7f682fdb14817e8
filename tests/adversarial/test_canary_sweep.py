"""Issue 12: a unique string in every raw field of a valid member's rows, and its md5, sha1 and
sha256 hex, searched for in every byte the pipeline writes outside raw/ (quarantine, warehouse,
marts, outbox, ledger, scratch, Dagster's run storage and compute logs) and on the console. An
identifier, a secret or an exact quasi-identifier appears nowhere; free text only scrubbed."""

from __future__ import annotations

import pytest

from pipelines import cli
from tests.adversarial.sweep import canary_hits
from tests.pipelines import planted
from tests.pipelines.conftest import write_table

pytestmark = pytest.mark.adversarial

# Field -> a value found nowhere else, shaped so it passes validation (a valid row is kept).
MEMBER = {
    "member_id": "u_zqcanarymember", "email": "zqcanarymail@naver.com",
    "nickname": "zqcanarynick", "password_hash": "$2b$12$zqcanaryhashhashhashhash",
    "mobile_phone": "010-9753-1864", "real_name": "Zqcanaryname", "birth_date": "1987-06-13",
    "gender": "F", "region": "Seoul", "signup_at": "2024-01-01 00:00:00", "consent_ads": True,
    "opt_out_research": False, "guardian_consent": False, "updated_at": "2025-01-01 00:00:00",
}  # fmt: skip
COOKIE = "ck_zqcanarycookie0000"
EVENTS = {
    "visits": {
        "cookie_id": COOKIE, "member_id": MEMBER["member_id"], "ts": "2026-11-22 10:00:00",
        "section": "sports", "url": "https://www.nktimes.example/news/1?zqcanaryquery=1",
        "referrer": "https://search.example/find?q=zqcanaryref", "ip": "10.97.53.186",
        "user_agent": "Mozilla/5.0 (zqcanaryagent) Mobile",
    },
    "orders": {
        "order_id": "o_zqcanaryorder", "member_id": MEMBER["member_id"],
        "ts": "2026-11-22 12:00:00", "category": "books", "amount_krw": 15000,
    },
    "survey_responses": {
        "response_id": "r_zqcanaryresp", "survey_id": "s1", "member_id": MEMBER["member_id"],
        "ts": "2026-11-22 13:00:00", "choice": "a",
        "comment": "메일 zqcanarytext@daum.net 로 연락 주세요",
    },
    "ad_events": {
        "event_id": "e_zqcanaryevent", "campaign_id": "c_books", "cookie_id": COOKIE,
        "member_id": MEMBER["member_id"], "ts": "2026-11-22 14:00:00", "kind": "impression",
    },
}  # fmt: skip
NEVER = [
    *(str(MEMBER[f]) for f in ("member_id", "email", "nickname", "password_hash", "real_name")),
    MEMBER["mobile_phone"], "01097531864", MEMBER["birth_date"], COOKIE, "10.97.53.186",
    "zqcanaryagent", "zqcanaryquery", "zqcanaryref", "zqcanaryorder", "zqcanaryresp",
    "zqcanaryevent", "zqcanarytext",
]  # fmt: skip


def plant_canaries(root) -> None:
    planted.plant(root)
    write_table(root, "members", [MEMBER], name="canary.csv")
    for table, row in EVENTS.items():
        write_table(root, table, [row], name="canary.csv")


def test_no_raw_field_of_a_member_leaves_raw_in_any_form(env, capfd) -> None:
    plant_canaries(env)
    assert cli.main(["run"]) == 0
    assert (env / "dagster_home").is_dir() and any((env / "outbox").rglob("manifest.json"))
    assert canary_hits(env, NEVER, allowed=("raw",)) == []
    out = capfd.readouterr()
    assert [c for c in NEVER if c in out.out + out.err] == []


def test_control_the_sweep_finds_a_field_the_pipeline_keeps(env) -> None:
    """The comment's words around the scrubbed email are kept: the sweep must see them, in the
    compressed warehouse too, or it proves nothing."""
    plant_canaries(env)
    assert cli.main(["run"]) == 0
    hits = canary_hits(env, ["메일"], allowed=("raw",))
    assert any(h.startswith("warehouse.duckdb") for h in hits)
