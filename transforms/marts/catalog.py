"""The analyst marts: what each counts, over whom, and by what. Comments here become the
`COMMENT ON` text in marts.duckdb and the data dictionary in docs/marts.md."""

from __future__ import annotations

from transforms.marts.labels import NO_CHOICE, NONE, OTHER_AGES, OTHER_REGIONS, UNKNOWN
from transforms.marts.spec import Column, Margin, MartSpec, Measure, RollUp
from transforms.person.eligibility import Purpose, cookie_owners_sql, counted_events_sql
from transforms.person.tables import COOKIE_LINKS

COOKIE_TABLES = ("visits", "ad_events")


def _counted(table: str, purpose: Purpose) -> str:
    owners = None
    if table in COOKIE_TABLES:
        owners = f"({cookie_owners_sql(purpose, 'members', COOKIE_LINKS)})"
    return f"({counted_events_sql(table, purpose, 'members', owners)})"


def _or(column: str, label: str) -> str:
    """A dimension never empty: an empty key would not match itself in the roll-up joins."""
    return f"COALESCE({column}, '{label}') AS {column}"


VISITS = _counted("visits", Purpose.ANALYTICS)
GENDER, REGION = _or("gender", UNKNOWN), _or("region", UNKNOWN)

AGE_BAND = Column("age_band", "VARCHAR", "Age in decades on the run date: '10s', '20s', ...")
GENDER_COL = Column("gender", "VARCHAR", "'F', 'M', or 'unknown' when the member gave none")
REGION_COL = Column(
    "region",
    "VARCHAR",
    "First-level division (e.g. 'Seoul'), 'unknown', or 'Other regions': the regions with fewer "
    "than k members in this row's other columns, merged",
)
AGE_BAND_ROLLED = Column(
    "age_band",
    "VARCHAR",
    "Age in decades on the run date ('20s'), or 'Other ages': the bands with fewer than k "
    "members in this row's other columns, merged",
)
OTHER_AGES_ROLLUP = RollUp("age_band", OTHER_AGES)


def _count(name: str, what: str, support: str | None = None) -> Measure:
    return Measure(name, "BIGINT", what, "count(*)", support)


def _distinct(name: str, what: str, sql: str = "count(DISTINCT unit)") -> Measure:
    return Measure(name, "BIGINT", f"{what} (exact count)", sql)


SITE_TRAFFIC = MartSpec(
    name="site_traffic_daily",
    comment="Visits and distinct users per day, for members, non-members (cookies never seen "
    "with a member) and all. Counts only members who may count for statistics; a logged-out "
    "visit on a member's cookie counts as that member. Distinct counts are exact.",
    # One row per user and day, its page views summed: a site's 100M visits become the few
    # million (user, day) pairs the counts need, and the same counts come out.
    contributions=(
        "SELECT unit, event_date, CASE WHEN is_member THEN 'members' ELSE 'non-members' END "
        f"AS audience, count(*) AS page_views FROM {VISITS} GROUP BY ALL"
    ),
    dimensions=(
        Column("event_date", "DATE", "Day of the visits (UTC)"),
        Column("audience", "VARCHAR", "'members', 'non-members', or 'all' (both together)"),
    ),
    support="users",
    measures=(
        Measure("visits", "BIGINT", "Page views", "sum(page_views)"),
        _distinct("users", "Distinct users: members, or non-member cookies, or both"),
    ),
    margins=(Margin(group=("event_date",), row_label="all"),),
)

SECTION_READERSHIP = MartSpec(
    name="section_readership_weekly",
    comment="Members reading each section per week (Monday to Sunday, UTC), by age band, gender "
    "and region. Regions too small to show alone are merged into 'Other regions'.",
    contributions=(
        "SELECT DISTINCT unit, CAST(date_trunc('week', event_date) AS DATE) AS week_start, "
        f"{_or('section', UNKNOWN)}, age_band, {GENDER}, {REGION} FROM {VISITS} WHERE is_member"
    ),
    dimensions=(
        Column("week_start", "DATE", "Monday the week starts on"),
        Column("section", "VARCHAR", "Site section, e.g. 'politics'"),
        AGE_BAND,
        GENDER_COL,
        REGION_COL,
    ),
    support="readers",
    # Readers only: page views here would add up, over a week, to site_traffic_daily's member
    # visits, and either mart's withheld cells could then be worked out from the other. Only
    # distinct counts, so one row per reader and cell is all the contributions need.
    measures=(_distinct("readers", "Distinct members who read the section that week"),),
    rollup=RollUp("region", OTHER_REGIONS),
)

AUDIENCE = MartSpec(
    name="audience_overview",
    comment="Members who may count for statistics, by age band (on the run date), gender and "
    "region. Regions too small to show alone are merged into 'Other regions'.",
    contributions=(
        f"SELECT 'm:' || member_pseudonym AS unit, age_band, {GENDER}, {REGION} "
        "FROM members WHERE may_count_analytics"
    ),
    dimensions=(AGE_BAND, GENDER_COL, REGION_COL),
    support="members",
    measures=(_distinct("members", "Members"),),
    rollup=RollUp("region", OTHER_REGIONS),
)

SHOPPING = MartSpec(
    name="shopping_monthly",
    comment="Shop orders per calendar month (UTC) by category, age band and gender. Age bands "
    "too small to show alone are merged into 'Other ages'. Revenue is empty where fewer than k "
    "members paid.",
    contributions=(
        "SELECT unit, CAST(date_trunc('month', event_date) AS DATE) AS month_start, "
        f"{_or('category', NONE)}, age_band, {GENDER}, amount_krw "
        f"FROM {_counted('orders', Purpose.ANALYTICS)}"
    ),
    dimensions=(
        Column("month_start", "DATE", "First day of the month"),
        Column(
            "category",
            "VARCHAR",
            "Shop category of the policy's vocabulary (e.g. 'books'), 'Other categories' for any "
            "other value the shop sent, or '(none)'",
        ),
        AGE_BAND_ROLLED,
        GENDER_COL,
    ),
    support="buyers",
    measures=(
        _count("orders", "Orders"),
        _distinct("buyers", "Distinct members who ordered"),
        Measure(
            "paying_buyers",
            "BIGINT",
            "Distinct members with an order above 0 won (exact count)",
            "count(DISTINCT CASE WHEN amount_krw > 0 THEN unit END)",
            "paying_buyers",
        ),
        Measure(
            "revenue_krw",
            "BIGINT",
            "Sum of order amounts, in won; empty where fewer than k members paid",
            "sum(amount_krw)",
            "paying_buyers",
        ),
    ),
    rollup=OTHER_AGES_ROLLUP,
)

SURVEY = MartSpec(
    name="survey_results",
    comment="Answers per survey and choice, by age band and gender. Age bands too small to "
    "show alone are merged into 'Other ages'. Free-text comments are never included.",
    contributions=(
        f"SELECT unit, {_or('survey_id', NONE)}, {_or('choice', NO_CHOICE)}, age_band, "
        f"{GENDER} FROM {_counted('survey_responses', Purpose.ANALYTICS)}"
    ),
    dimensions=(
        Column(
            "survey_id",
            "VARCHAR",
            "Survey or event of the policy's vocabulary, 'Other surveys' for any other survey id, "
            "or '(none)'",
        ),
        Column(
            "choice",
            "VARCHAR",
            "The answer chosen, when the vocabulary lists it for this survey; 'Other choices' for "
            "any other answer, or '(no choice)'",
        ),
        AGE_BAND_ROLLED,
        GENDER_COL,
    ),
    support="respondents",
    measures=(
        _count("responses", "Responses"),
        _distinct("respondents", "Distinct members who answered so"),
    ),
    rollup=OTHER_AGES_ROLLUP,
)

_CLICK = "CASE WHEN kind = 'click' THEN 1 ELSE 0 END"
_IMPRESSION = "CASE WHEN kind = 'impression' THEN 1 ELSE 0 END"

AD_CAMPAIGNS = MartSpec(
    name="ad_campaign_daily",
    comment="Ad campaign performance per campaign and day (UTC). Counts only members who agreed "
    "to advertising and cookies never seen with a member. A row needs k users who saw an "
    "impression; clicks, clickers and click-through rate are empty where fewer than k clicked.",
    contributions=(
        f"SELECT unit, {_or('campaign_id', NONE)}, event_date, kind "
        f"FROM {_counted('ad_events', Purpose.ADS)}"
    ),
    dimensions=(
        Column(
            "campaign_id",
            "VARCHAR",
            "Campaign id as the ad server mints them (the policy's pattern, e.g. 'c_fall_books'), "
            "'Other campaigns' for any other value an ad event sent, or '(none)'",
        ),
        Column("event_date", "DATE", "Day (UTC)"),
    ),
    support="reach",
    measures=(
        Measure("impressions", "BIGINT", "Impressions", f"sum({_IMPRESSION})"),
        Measure("clicks", "BIGINT", "Clicks", f"sum({_CLICK})", "clickers"),
        Measure(
            "reach",
            "BIGINT",
            "Distinct users (members or cookies) who saw an impression (exact count)",
            "count(DISTINCT CASE WHEN kind = 'impression' THEN unit END)",
        ),
        Measure(
            "clickers",
            "BIGINT",
            "Distinct users who clicked (exact count)",
            "count(DISTINCT CASE WHEN kind = 'click' THEN unit END)",
            "clickers",
        ),
        Measure(
            "click_through_rate",
            "DOUBLE",
            "Clicks per impression, rounded to 4 places",
            f"round(sum({_CLICK}) / NULLIF(sum({_IMPRESSION}), 0), 4)",
            "clickers",
        ),
    ),
)

MARTS: tuple[MartSpec, ...] = (
    SITE_TRAFFIC,
    SECTION_READERSHIP,
    AUDIENCE,
    SHOPPING,
    SURVEY,
    AD_CAMPAIGNS,
)
