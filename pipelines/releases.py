"""Release assets, per consumer in config/releases.yaml: a draft in private staging, five
blocking checks on it, then delivery into the outbox with its charge in the ledger (P1, P5, P6).
Monthly partitions: a partition is a calendar month (UTC) of data."""

import datetime as dt
from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.constants import MONTHLY, RELEASES
from pipelines.deletion import member_erasure
from pipelines.resources import (
    Compute,
    Outbox,
    PiiScanning,
    Policy,
    PseudonymKey,
    ReleaseSettings,
    connect,
)
from pipelines.targeting import targeting_lists
from pipelines.verdicts import check_result, failure_result
from runtime.config.releases import ReleaseConfigError
from runtime.gate import DESCRIPTION as GATE_DESCRIPTION
from runtime.gate import GATE, gate_scanner
from runtime.releases.delivery import ReleaseConflictError, deliver
from runtime.releases.draft import StoredReleaseMissingError, draft
from runtime.releases.period import ReleasePeriodError, release_period
from runtime.releases.staging import DraftInProgressError, claim
from runtime.releases.verify import DESCRIPTIONS, check_draft, delivery_problems
from transforms.releases.budget import BudgetExceededError

DELIVERED = "in_outbox_as_recorded"


class ReleaseRequest(dg.Config):
    """An ad-hoc release narrows the consumer's standard one; empty means the standard one."""

    only: list[str] = []  # noqa: RUF012 (pydantic copies it) some of its segments or tables
    last_day: str = ""  # the data period's last day (YYYY-MM-DD); default: the newest in the month


def draft_asset(name: str, kind: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{name}_release_draft",
        group_name=RELEASES,
        kinds={"duckdb"},
        tags={"consumer_kind": kind},
        partitions_def=MONTHLY,
        deps=[member_erasure, targeting_lists],
        description=f"The next release for {name}, drawn and written to private staging; "
        "nothing leaves until its checks pass. A question already answered is not drawn again.",
    )
    def _draft(
        context: dg.AssetExecutionContext,
        config: ReleaseRequest,
        warehouse: DuckDBResource,
        policy: Policy,
        releases: ReleaseSettings,
        outbox: Outbox,
        compute: Compute,
    ) -> dg.MaterializeResult:
        rules = policy.load()
        widths = rules.generalization.age_band_widths
        settings, ledger = releases.load(widths), outbox.ledger()
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        staging = outbox.staging(name, context.run.run_id)
        try:  # refused before anything is read: the one-line reason is the whole failure
            settings.check_vocabulary(rules.vocabulary.rules())
            claim(ledger, staging)  # before the warehouse: a refused run never opens it
        except (DraftInProgressError, ReleaseConfigError) as exc:
            raise dg.Failure(str(exc)) from None
        with connect(warehouse) as conn, compute.spark() as spark:
            try:
                period = release_period(conn, context.partition_key, config.last_day)
            except ReleasePeriodError as exc:
                raise dg.Failure(str(exc)) from None
            try:
                plan = settings.plan(name, period, widths, tuple(config.only))
                consumer = settings.consumers[name]
                out = draft(conn, ledger, name, consumer, plan, staging, now, counting=spark)
            except (BudgetExceededError, ReleaseConfigError) as exc:
                raise dg.Failure(str(exc)) from exc
        return dg.MaterializeResult(
            metadata={
                "release_id": out.release_id,
                "replay_of_stored_release": out.replay,
                "epsilon_requested": out.charged,
                "data_period": f"{period.first} .. {period.last}",
                **{f"rows_{f}": n for f, n in out.rows.items()},
            }
        )

    return _draft


def draft_checks(name: str, draft_def: dg.AssetsDefinition) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        name=f"{name}_release_draft_checks",
        specs=[
            dg.AssetCheckSpec(check, asset=draft_def.key, blocking=True, description=text)
            for check, text in {**DESCRIPTIONS, GATE: GATE_DESCRIPTION}.items()
        ],
    )
    def _checks(
        context: dg.AssetCheckExecutionContext,
        warehouse: DuckDBResource,
        policy: Policy,
        releases: ReleaseSettings,
        outbox: Outbox,
        pseudonym_key: PseudonymKey,
        pii: PiiScanning,
    ) -> Iterator[dg.AssetCheckResult]:
        rules = policy.load()
        consumer = releases.load(rules.generalization.age_band_widths).consumers[name]
        staging = outbox.staging(name, context.run.run_id)
        with connect(warehouse) as conn:
            scanner = gate_scanner(conn, pseudonym_key.pseudonymizer(), rules, pii.workers)
            try:
                verdicts = check_draft(outbox.ledger(), staging, consumer, conn, scanner)
            except StoredReleaseMissingError as exc:
                raise dg.Failure(str(exc)) from None
        for v in verdicts:
            yield check_result(v, draft_def.key)

    return _checks


def delivery_asset(name: str, kind: str, draft_def: dg.AssetsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{name}_release",
        group_name=RELEASES,
        kinds={"duckdb"},
        tags={"consumer_kind": kind},
        partitions_def=MONTHLY,
        deps=[draft_def],
        description=f"The release delivered to outbox/{name}/<release_id>/ and charged in the "
        "ledger, only after every check of the draft passed. A stored question is re-delivered "
        "as the release that answered it: no new folder, no charge.",
        check_specs=[
            dg.AssetCheckSpec(
                DELIVERED,
                asset=f"{name}_release",
                blocking=True,
                description="The delivered folder's files match its manifest, and the ledger "
                "records the release as landed with the same checksums.",
            )
        ],
    )
    def _deliver(context: dg.AssetExecutionContext, outbox: Outbox) -> dg.MaterializeResult:
        try:
            out = deliver(outbox.ledger(), outbox.staging(name, context.run.run_id))
        except (BudgetExceededError, ReleaseConflictError) as exc:
            raise dg.Failure(str(exc)) from exc
        problems = delivery_problems(outbox.ledger(), out.release_id, out.folder)
        return dg.MaterializeResult(
            metadata={
                "release_id": out.release_id,
                "folder": str(out.folder),
                "epsilon_charged": out.charged,
                "replay_of_stored_release": out.replay,
            },
            check_results=[failure_result(DELIVERED, problems, f"{out.folder} as recorded")],
        )

    return _deliver


def release_definitions(
    consumers: dict[str, str],
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """Assets and checks for `consumers` (name -> kind)."""
    assets, checks = [], []
    for name, kind in consumers.items():
        d = draft_asset(name, kind)
        assets += [d, delivery_asset(name, kind, d)]
        checks.append(draft_checks(name, d))
    return assets, checks
