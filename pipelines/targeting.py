"""Internal targeting lists: which consenting member is in which segment, for the site's own ad
server. A warehouse table (person-level, erased with the member); it never leaves."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import duck
from pipelines.constants import WAREHOUSE
from pipelines.deletion import member_erasure
from pipelines.resources import Policy, ReleaseSettings
from transforms.eligibility import Purpose
from transforms.person_tables import TARGETING_LISTS
from transforms.release_catalog import EVENT_DAYS
from transforms.segments import memberships_sql


@dg.asset(
    group_name=WAREHOUSE,
    kinds={"duckdb"},
    deps=[member_erasure],
    check_specs=[
        dg.AssetCheckSpec(
            "consenting_members_only",
            asset="targeting_lists",
            blocking=True,
            description="Every member on a targeting list may count for ads (consent_ads, old "
            "enough or with a guardian's consent, not deleted).",
        )
    ],
)
def targeting_lists(
    warehouse: DuckDBResource, policy: Policy, releases: ReleaseSettings
) -> dg.MaterializeResult:
    """Members in each configured segment (config/releases.yaml), as of the newest event day,
    for the site's own ad server: consenting members only. Never leaves the warehouse."""
    widths = policy.load().generalization.age_band_widths
    config = releases.load(widths)
    segments = tuple(config.segment(name, widths) for name in config.segments)
    with duck.connect(warehouse) as conn:
        as_of = duck.scalar(conn, f"SELECT max(event_date) FROM ({EVENT_DAYS})")  # noqa: S608
        if as_of is None:
            raise dg.Failure("no event data in the warehouse: nothing to build segments from")
        conn.execute(
            f"CREATE OR REPLACE TABLE {TARGETING_LISTS} AS SELECT DISTINCT member_pseudonym, "  # noqa: S608
            f"segment_id, DATE '{as_of}' AS as_of FROM "
            f"({memberships_sql(segments, Purpose.ADS, as_of, widths)})"
        )
        sizes = dict(
            conn.execute(
                f"SELECT segment_id, count(*) FROM {TARGETING_LISTS} GROUP BY 1"  # noqa: S608
            ).fetchall()
        )
        strays = duck.scalar(
            conn,
            f"SELECT count(*) FROM {TARGETING_LISTS} t LEFT JOIN members m "  # noqa: S608
            "USING (member_pseudonym) WHERE NOT COALESCE(m.may_count_ads, FALSE)",
        )
    return dg.MaterializeResult(
        metadata={"as_of": str(as_of), **{f"members_{s}": n for s, n in sorted(sizes.items())}},
        check_results=[
            dg.AssetCheckResult(
                check_name="consenting_members_only",
                passed=strays == 0,
                severity=dg.AssetCheckSeverity.ERROR,
                description=f"{strays} listed members may not count for ads",
            )
        ],
    )
