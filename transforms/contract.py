"""The raw tables of CONTRACT.md: columns, types, keys and roles, as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    KEY = "key"  # the row's own id (or member_id for members)
    IDENTIFIER = "identifier"  # direct identifier: pseudonymized or dropped
    SECRET = "secret"  # never read past validation  # noqa: S105 (a role name, not a secret)
    QUASI = "quasi_identifier"  # leaves only generalized
    ATTRIBUTE = "attribute"
    TIME = "time"  # the row's event time (UTC)


class Dedupe(StrEnum):
    NEWEST = "newest"  # one row per key: the newest wins, older rows are superseded
    FIRST = "first"  # the key is unique: a repeated key is quarantined as duplicate_id
    NONE = "none"  # the key repeats by nature (a cookie visits many times)


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # DuckDB type the raw text must parse as
    role: Role = Role.ATTRIBUTE
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: str
    time_column: str
    partitioned: bool = True  # event tables are daily-partitioned by time_column
    dedupe: Dedupe = Dedupe.FIRST
    member_column: str | None = "member_id"
    cookie_column: str | None = None
    extra_rules: tuple[str, ...] = field(default=())  # names of rules in validation.RULES

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# The longest raw value read, in characters: a longer one quarantines its row as over_long_value
# (a survey comment of a few pages fits; a 10 MB paste does not reach the scrubber).
MAX_VALUE_CHARS = 20_000

GENDERS = ("F", "M")
REGIONS = (
    "Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gyeonggi",
    "Gangwon", "North Chungcheong", "South Chungcheong", "North Jeolla", "South Jeolla",
    "North Gyeongsang", "South Gyeongsang", "Jeju",
)  # fmt: skip
SECTIONS = (
    "politics", "economy", "society", "north_korea", "world", "sports", "culture", "opinion",
    "shopping",
)  # fmt: skip
AD_KINDS = ("impression", "click")

_V, _TS, _B = "VARCHAR", "TIMESTAMP", "BOOLEAN"

MEMBERS = TableSpec(
    name="members",
    columns=(
        Column("member_id", _V, Role.KEY, required=True),
        Column("email", _V, Role.IDENTIFIER),
        Column("nickname", _V, Role.IDENTIFIER),
        Column("password_hash", _V, Role.SECRET),
        Column("mobile_phone", _V, Role.IDENTIFIER),
        Column("real_name", _V, Role.IDENTIFIER),
        Column("birth_date", "DATE", Role.QUASI),
        Column("gender", _V, Role.QUASI),
        Column("region", _V, Role.QUASI),
        Column("signup_at", _TS),
        Column("consent_ads", _B),
        Column("opt_out_research", _B),
        Column("guardian_consent", _B),
        Column("updated_at", _TS, Role.TIME, required=True),
    ),
    key="member_id",
    time_column="updated_at",
    partitioned=False,
    dedupe=Dedupe.NEWEST,
    extra_rules=(
        "unparseable_date",
        "birth_date_out_of_range",
        "unparseable_bool",
        "unknown_gender",
        "unknown_region",
        "malformed_email",
        "malformed_phone",
    ),
)

VISITS = TableSpec(
    name="visits",
    columns=(
        Column("cookie_id", _V, Role.KEY, required=True),
        Column("member_id", _V, Role.IDENTIFIER),
        Column("ts", _TS, Role.TIME, required=True),
        Column("section", _V),
        Column("url", _V, Role.QUASI),
        Column("referrer", _V, Role.QUASI),
        Column("ip", _V, Role.IDENTIFIER),
        Column("user_agent", _V, Role.QUASI),
    ),
    key="cookie_id",
    time_column="ts",
    dedupe=Dedupe.NONE,
    cookie_column="cookie_id",
    extra_rules=("unknown_section",),
)

ORDERS = TableSpec(
    name="orders",
    columns=(
        Column("order_id", _V, Role.KEY, required=True),
        Column("member_id", _V, Role.IDENTIFIER, required=True),
        Column("ts", _TS, Role.TIME, required=True),
        Column("category", _V),
        Column("amount_krw", _V),
    ),
    key="order_id",
    time_column="ts",
    extra_rules=("unparseable_amount", "negative_amount"),
)

SURVEY_RESPONSES = TableSpec(
    name="survey_responses",
    columns=(
        Column("response_id", _V, Role.KEY, required=True),
        Column("survey_id", _V),
        Column("member_id", _V, Role.IDENTIFIER, required=True),
        Column("ts", _TS, Role.TIME, required=True),
        Column("choice", _V),
        Column("comment", _V, Role.IDENTIFIER),  # free text: may hold any identifier
    ),
    key="response_id",
    time_column="ts",
)

AD_EVENTS = TableSpec(
    name="ad_events",
    columns=(
        Column("event_id", _V, Role.KEY, required=True),
        Column("campaign_id", _V),
        Column("cookie_id", _V, Role.IDENTIFIER, required=True),
        Column("member_id", _V, Role.IDENTIFIER),
        Column("ts", _TS, Role.TIME, required=True),
        Column("kind", _V),
    ),
    key="event_id",
    time_column="ts",
    cookie_column="cookie_id",
    extra_rules=("unknown_kind",),
)

DELETION_REQUESTS = TableSpec(
    name="deletion_requests",
    columns=(
        Column("member_id", _V, Role.KEY, required=True),
        Column("requested_at", _TS, Role.TIME, required=True),
    ),
    key="member_id",
    time_column="requested_at",
    partitioned=False,
    dedupe=Dedupe.NONE,
)

EVENT_TABLES = (VISITS, ORDERS, SURVEY_RESPONSES, AD_EVENTS)
TABLES = {t.name: t for t in (MEMBERS, *EVENT_TABLES, DELETION_REQUESTS)}
