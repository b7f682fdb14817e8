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
    # At least a day after signup, so every older version below sorts strictly before it.
    span = (start - signup).astype(np.int64) - 86400
    updated = signup + (86400 + rng.random(n) * span).astype("timedelta64[s]")
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
    """Earlier rows of ~`share` of members (a third of them twice) with other region and consent.

    They are valid rows that must lose to the newest `updated_at`; each falls between signup and
    the row it precedes, so no member is updated before signing up.
    """
    older = _older(rng, rows.take(pa.array(np.flatnonzero(rng.random(rows.num_rows) < share))))
    oldest = _older(rng, older.take(pa.array(np.flatnonzero(rng.random(older.num_rows) < 0.35))))
    return pa.concat_tables([older, oldest])


def _older(rng: np.random.Generator, rows: pa.Table) -> pa.Table:
    n = rows.num_rows
    newer = rows.column("updated_at").to_numpy().astype("datetime64[s]")
    signup = rows.column("signup_at").to_numpy().astype("datetime64[s]")
    gap = (newer - signup).astype(np.int64)
    updated = signup + (gap * rng.uniform(0.1, 0.9, n)).astype("timedelta64[s]")
    region = np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n)]
    changed = {
        "updated_at": _seconds(updated),
        "region": pa.array(region, pa.string()),
        "consent_ads": pc.invert(rows.column("consent_ads")),
    }
    for name, values in changed.items():
        rows = rows.set_column(rows.schema.get_field_index(name), name, values)
    return rows
