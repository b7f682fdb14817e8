"""The members export: one row per member, some members twice or thrice (newest wins)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sampledata.identities import REGION_WEIGHTS, REGIONS, Population, birth_dates, years_before

COLUMNS = [
    "member_id", "email", "nickname", "password_hash", "mobile_phone", "real_name", "birth_date",
    "gender", "region", "signup_at", "consent_ads", "opt_out_research", "guardian_consent",
    "updated_at",
]  # fmt: skip
MEMBER_BAD_KINDS = [
    "missing_key", "unparseable_timestamp", "unparseable_date", "birth_date_out_of_range",
    "unknown_gender", "unknown_region", "malformed_email", "malformed_phone", "unparseable_bool",
]  # fmt: skip
_HASH_ALPHABET = np.array(list("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))


def _seconds(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[s]").astype("datetime64[us]"), pa.timestamp("us"))


def member_rows(
    rng: np.random.Generator, pop: Population, first_day: dt.date, run_date: dt.date
) -> pa.Table:
    n = pop.size
    births = birth_dates(rng, n, run_date)
    under_14 = births > np.datetime64(years_before(run_date, 14), "D")
    start = np.datetime64(dt.datetime.combine(first_day, dt.time()), "s")
    signup = start - rng.integers(30 * 86400, 3000 * 86400, n).astype("timedelta64[s]")
    updated = signup + (rng.random(n) * (start - signup).astype(np.int64)).astype("timedelta64[s]")
    gender = np.where(pop.female, "F", "M").astype(object)
    gender[rng.random(n) < 0.05] = None
    region = np.array(REGIONS, dtype=object)[
        rng.choice(len(REGIONS), n, p=REGION_WEIGHTS / REGION_WEIGHTS.sum())
    ]
    region[rng.random(n) < 0.03] = None
    hashes = _HASH_ALPHABET[rng.integers(0, len(_HASH_ALPHABET), size=(n, 53))]
    return pa.table(
        {
            "member_id": pop.member_ids,
            "email": pop.emails,
            "nickname": pop.nicknames,
            "password_hash": pa.array(["$2b$12$" + "".join(h) for h in hashes], pa.string()),
            "mobile_phone": pop.phones,
            "real_name": pop.names,
            "birth_date": pa.array(births, pa.date32()),
            "gender": pa.array(gender, pa.string()),
            "region": pa.array(region, pa.string()),
            "signup_at": _seconds(signup),
            "consent_ads": pa.array(rng.random(n) < 0.6),
            "opt_out_research": pa.array(rng.random(n) < 0.1),
            "guardian_consent": pa.array(
                np.where(under_14, rng.random(n) < 0.5, rng.random(n) < 0.05)
            ),
            "updated_at": _seconds(updated),
        }
    )


def older_versions(rng: np.random.Generator, rows: pa.Table, share: float = 0.03) -> pa.Table:
    """Earlier rows of ~`share` of members with other region and consent: they must lose."""
    picked = np.flatnonzero(rng.random(rows.num_rows) < share)
    older = rows.take(pa.array(picked))
    back = rng.integers(10 * 86400, 300 * 86400, len(picked)).astype("timedelta64[s]")
    updated = older.column("updated_at").to_numpy().astype("datetime64[s]") - back
    region = np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), len(picked))]
    older = older.set_column(
        older.schema.get_field_index("updated_at"), "updated_at", _seconds(updated)
    )
    older = older.set_column(
        older.schema.get_field_index("region"), "region", pa.array(region, pa.string())
    )
    flipped = pc.invert(older.column("consent_ads"))
    return older.set_column(older.schema.get_field_index("consent_ads"), "consent_ads", flipped)
