"""The six marts by plain pandas over the raw Parquet (what an analyst's notebook would do)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd


def _read(root: Path, table: str, columns: list[str]) -> pd.DataFrame:
    files = sorted((root / "raw" / table).glob("*.parquet"))
    return pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)


def _members(root: Path, run_date: dt.date) -> pd.DataFrame:
    cols = ["member_id", "birth_date", "gender", "region", "consent_ads", "opt_out_research",
            "guardian_consent", "updated_at"]  # fmt: skip
    m = (
        _read(root, "members", cols)
        .sort_values("updated_at")
        .drop_duplicates("member_id", keep="last")
    )
    erased = set(_read(root, "deletion_requests", ["member_id"]).member_id)
    m = m[~m.member_id.isin(erased)].copy()
    born = pd.to_datetime(m.birth_date)
    day = pd.Timestamp(run_date)
    age = (
        day.year - born.dt.year - ((born.dt.month * 100 + born.dt.day) > day.month * 100 + day.day)
    )
    m["age_band"] = (age // 10 * 10).astype(str) + "s"
    grown = (age >= 14) | m.guardian_consent
    m["may_stats"] = ~m.opt_out_research & grown
    m["may_ads"] = m.consent_ads & grown
    m["gender"] = m.gender.fillna("unknown")
    m["region"] = m.region.fillna("unknown")
    return m.drop(columns=["birth_date", "updated_at"])


def _counted(events: pd.DataFrame, owners: pd.Series, m: pd.DataFrame, may: str) -> pd.DataFrame:
    who = events.member_id.fillna(events.cookie_id.map(owners))
    e = events.assign(who=who).merge(
        m, how="left", left_on="who", right_on="member_id", suffixes=("", "_m")
    )
    e = e[e.who.isna() | e[may].fillna(False).astype(bool)]
    return e.assign(unit=np.where(e.who.isna(), "c:" + e.cookie_id, "m:" + e.who.astype(str)))


def _k(frame: pd.DataFrame, support: str, k: int) -> pd.DataFrame:
    return frame[frame[support] >= k].reset_index()


def run_pandas(root: Path, run_date: dt.date, k: int) -> dict[str, int]:
    m = _members(root, run_date)
    visits = _read(root, "visits", ["cookie_id", "member_id", "ts", "section"])
    ads = _read(root, "ad_events", ["cookie_id", "member_id", "ts", "campaign_id", "kind"])
    seen = pd.concat([visits[["cookie_id", "member_id"]], ads[["cookie_id", "member_id"]]]).dropna()
    owners = seen.groupby("cookie_id").member_id.min()
    v = _counted(visits, owners, m, "may_stats")
    v["event_date"] = v.ts.dt.date
    v["audience"] = np.where(v.who.isna(), "non-members", "members")
    by_audience = v.groupby(["event_date", "audience"]).agg(
        visits=("unit", "size"), users=("unit", "nunique")
    )
    every = v.groupby("event_date").agg(visits=("unit", "size"), users=("unit", "nunique"))
    out = {"site_traffic_daily": len(_k(by_audience, "users", k)) + len(_k(every, "users", k))}
    members = v[v.who.notna()].assign(week_start=lambda f: f.ts.dt.to_period("W").dt.start_time)
    readers = members.groupby(["week_start", "section", "age_band", "gender", "region"]).agg(
        readers=("unit", "nunique")
    )
    out["section_readership_weekly"] = len(_k(readers, "readers", k))
    audience = (
        m[m.may_stats].groupby(["age_band", "gender", "region"]).agg(members=("member_id", "size"))
    )
    out["audience_overview"] = len(_k(audience, "members", k))
    for table, keys, cols in (
        (
            "orders",
            ["month_start", "category", "age_band", "gender"],
            ["member_id", "ts", "category", "amount_krw"],
        ),
        (
            "survey_responses",
            ["survey_id", "choice", "age_band", "gender"],
            ["member_id", "ts", "survey_id", "choice"],
        ),
    ):
        e = _read(root, table, cols).merge(m[m.may_stats], on="member_id")
        e["month_start"] = e.ts.dt.to_period("M").dt.start_time
        agg = e.groupby(keys).agg(n=("member_id", "size"), people=("member_id", "nunique"))
        out["shopping_monthly" if table == "orders" else "survey_results"] = len(
            _k(agg, "people", k)
        )
    a = _counted(ads, owners, m, "may_ads")
    a["event_date"] = a.ts.dt.date
    seen_ads = (
        a[a.kind == "impression"]
        .groupby(["campaign_id", "event_date"])
        .agg(reach=("unit", "nunique"))
    )
    clicks = (
        a[a.kind == "click"]
        .groupby(["campaign_id", "event_date"])
        .agg(clickers=("unit", "nunique"))
    )
    out["ad_campaign_daily"] = len(_k(seen_ads.join(clicks, how="left"), "reach", k))
    return out
