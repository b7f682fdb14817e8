"""Release assets, per consumer in config/releases.yaml: a draft in private staging, five
blocking checks on it, then delivery into the outbox with its charge in the ledger (P1, P5, P6).
Monthly partitions: a partition is a calendar month (UTC) of data."""

import datetime as dt
import json
import shutil
from collections.abc import Iterator

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipelines import duck
from pipelines.constants import MONTHLY, PARTNER_DELIVERY_JOB, RELEASE_JOB, RELEASES
from pipelines.deletion import member_erasure
from pipelines.gate import DESCRIPTION as GATE_DESCRIPTION
from pipelines.gate import GATE, folder_gate, gate_scanner
from pipelines.ledger import BudgetExceededError, Ledger
from pipelines.release_config import ConsumerConfig, ReleaseConfigError
from pipelines.release_draft import (
    STATE,
    Budget,
    Consumer,
    ReleaseConflictError,
    deliver,
    draft,
)
from pipelines.release_staging import DraftInProgressError, claim
from pipelines.release_verify import DESCRIPTIONS, manifest_problems, verify_release
from pipelines.resources import Outbox, PiiScanning, Policy, PseudonymKey, ReleaseSettings
from pipelines.targeting import targeting_lists
from transforms.release_catalog import EVENT_DAYS, Period


class ReleaseRequest(dg.Config):
    """An ad-hoc release narrows the consumer's standard one; empty means the standard one."""

    only: list[str] = []  # noqa: RUF012 (pydantic copies it) some of its segments or tables
    last_day: str = ""  # the data period's last day (YYYY-MM-DD); default: the newest in the month


def release_period(conn: duckdb.DuckDBPyConnection, month: str, last_day: str) -> Period:
    """The partition's month, up to its newest event day (or `last_day`)."""
    first = dt.date.fromisoformat(month)
    month_end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    newest = duck.scalar(
        conn,
        f"SELECT max(event_date) FROM ({EVENT_DAYS}) WHERE event_date BETWEEN ? AND ?",  # noqa: S608
        [first, month_end],
    )
    if newest is None:
        raise dg.Failure(f"no event data in the warehouse for {first:%Y-%m}: nothing to release")
    last = dt.date.fromisoformat(last_day) if last_day else newest
    if not first <= last <= month_end:
        raise dg.Failure(f"last_day {last} is not in the partition's month {first:%Y-%m}")
    return Period(first, last)


def consumer_of(name: str, c: ConsumerConfig) -> Consumer:
    return Consumer(name, c.kind.value, c.k, c.monthly_epsilon, c.release_epsilon)


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
    ) -> dg.MaterializeResult:
        rules = policy.load()
        widths = rules.generalization.age_band_widths
        settings = releases.load(widths)
        consumer = consumer_of(name, settings.consumers[name])
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        staging = outbox.staging(name, context.run.run_id)
        try:
            settings.check_vocabulary(rules.vocabulary.rules())
            claim(outbox.ledger(), staging)  # before the warehouse: a refused run never opens it
        except (DraftInProgressError, ReleaseConfigError) as exc:
            raise dg.Failure(str(exc)) from None
        with duck.connect(warehouse) as conn:
            period = release_period(conn, context.partition_key, config.last_day)
            try:
                plan = settings.plan(name, period, widths, tuple(config.only))
                out = draft(conn, outbox.ledger(), consumer, plan, staging, now)
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
        c = releases.load(rules.generalization.age_band_widths).consumers[name]
        staging = outbox.staging(name, context.run.run_id)
        state = json.loads((staging / STATE).read_text(encoding="utf-8"))
        ledger = outbox.ledger()
        replay = "replay_of" in state  # nothing new leaves: the stored release is re-checked
        with ledger.open() as conn:
            if replay:
                stored = Ledger.delivered_folder(conn, state["replay_of"])
                if stored is None:
                    raise dg.Failure(f"stored release {state['replay_of']} is not in the ledger")
                folder = ledger.root / stored
                budget = Budget("", c.monthly_epsilon, 0.0, 0.0)
            else:
                folder, month = staging / "release", state["record"]["created_at"][:7]
                spent = Ledger.spent(conn, name, month)
                budget = Budget(month, c.monthly_epsilon, spent, state["record"]["epsilon"])
        with duck.connect(warehouse) as conn:
            verdicts = verify_release(folder, c.k, budget, conn)
            scanner = gate_scanner(conn, pseudonym_key.secret(), rules, pii)
        verdicts.append(folder_gate(folder, scanner))
        if not replay and not all(v.passed for v in verdicts):
            shutil.rmtree(folder)  # a draft that failed is never delivered: not kept either
        for v in verdicts:
            yield v.as_check_result(draft_def.key)

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
                "in_outbox_as_recorded",
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
        with outbox.ledger().open() as ledger:
            recorded = ledger.execute(
                "SELECT files FROM releases WHERE release_id = ? AND status = 'landed'",
                [out.release_id],
            ).fetchall()
        problems = manifest_problems(out.folder)
        if not recorded:
            problems.append("no landed ledger entry")
        else:
            manifest = json.loads((out.folder / "manifest.json").read_text("utf-8"))
            if json.loads(recorded[0][0]) != {n: f["sha256"] for n, f in manifest["files"].items()}:
                problems.append("the ledger's checksums differ from the manifest's")
        return dg.MaterializeResult(
            metadata={
                "release_id": out.release_id,
                "folder": str(out.folder),
                "epsilon_charged": out.charged,
                "replay_of_stored_release": out.replay,
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="in_outbox_as_recorded",
                    passed=not problems,
                    severity=dg.AssetCheckSeverity.ERROR,
                    description="; ".join(problems) or f"{out.folder} as recorded",
                )
            ],
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


def release_jobs(consumers: dict[str, str]) -> list:  # type: ignore[type-arg]
    partners = [
        f"{n}_release{s}" for n, k in consumers.items() if k == "partner" for s in ("_draft", "")
    ]
    return [
        dg.define_asset_job(
            RELEASE_JOB,
            selection=dg.AssetSelection.groups(RELEASES),
            description="Every consumer's release for one month of data (the month so far for "
            "the current month). A question already answered is re-delivered, not drawn again.",
        ),
        dg.define_asset_job(
            PARTNER_DELIVERY_JOB,
            selection=dg.AssetSelection.assets(*partners),
            description="The partners' monthly delivery (on the 1st, for the month before).",
        ),
    ]


@dg.schedule(
    job_name=PARTNER_DELIVERY_JOB,
    cron_schedule="0 4 1 * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def monthly_partner_delivery(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 04:00 UTC on the 1st (after the daily run), deliver the month that just ended."""
    ended = context.scheduled_execution_time.date().replace(day=1) - dt.timedelta(days=1)
    month = ended.replace(day=1).isoformat()
    return dg.RunRequest(run_key=month, partition_key=month)
