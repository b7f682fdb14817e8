"""Internal targeting lists: which consenting member is in which segment, for the site's own ad
server. A warehouse table (person-level, erased with the member); it never leaves."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.constants import WAREHOUSE
from pipelines.deletion import member_erasure
from pipelines.resources import Policy, ReleaseSettings, connect
from pipelines.verdicts import failure_result
from runtime.warehouse.targeting import NoEventDataError, build_targeting_lists

CONSENTING = "consenting_members_only"


@dg.asset(
    group_name=WAREHOUSE,
    kinds={"duckdb"},
    deps=[member_erasure],
    check_specs=[
        dg.AssetCheckSpec(
            CONSENTING,
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
    with connect(warehouse) as conn:
        try:
            lists = build_targeting_lists(conn, segments, widths)
        except NoEventDataError as exc:
            raise dg.Failure(str(exc)) from None
    sizes = {f"members_{s}": n for s, n in sorted(lists.sizes.items())}
    return dg.MaterializeResult(
        metadata={"as_of": str(lists.as_of), **sizes},
        check_results=[
            failure_result(
                CONSENTING,
                [f"{lists.strays} listed members may not count for ads"] if lists.strays else [],
                "0 listed members may not count for ads",
            )
        ],
    )
