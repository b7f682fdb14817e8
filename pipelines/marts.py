"""Analyst marts: aggregates of the warehouse, built in the staging file and checked there.
Nothing here reaches analysts until `published_marts` copies every mart at once."""

from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.constants import MARTS
from pipelines.deletion import member_erasure
from pipelines.resources import (
    Compute,
    MartsStore,
    PiiScanning,
    Policy,
    PseudonymKey,
    connect,
)
from pipelines.verdicts import check_result
from runtime.gate import DESCRIPTION as GATE_DESCRIPTION
from runtime.gate import GATE, gate_scanner, mart_gate
from runtime.marts.build import build_mart, build_on
from runtime.marts.contributions import discard
from runtime.marts.publish import staged
from runtime.marts.verified import checked_verdicts, forget
from runtime.marts.verify import DESCRIPTIONS
from runtime.storage import make_private
from transforms.marts.catalog import MARTS as MART_SPECS
from transforms.marts.spec import MartSpec


def column_schema(spec: MartSpec) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.sql_type, description=c.comment) for c in spec.columns]
    )


def mart_asset(spec: MartSpec) -> dg.AssetsDefinition:
    @dg.asset(
        name=spec.name,
        group_name=MARTS,
        kinds={"duckdb"},
        deps=[member_erasure],
        description=spec.comment,
        metadata={"dagster/column_schema": column_schema(spec)},
    )
    def _asset(
        warehouse: DuckDBResource, marts: MartsStore, policy: Policy, compute: Compute
    ) -> dg.MaterializeResult:
        k = policy.load().marts.k
        forget(marts.verified(spec))  # what its checks verified is not what this build stages
        with connect(warehouse) as conn, compute.spark() as spark:
            marts.attach_staging(conn, read_only=False)
            if spark is None:
                stats = build_mart(conn, spec, k, staged(spec), marts.contributions(spec))
            else:  # the checks recount it on DuckDB: two engines must agree
                discard(marts.contributions(spec))
                stats = build_on(spark, conn, spec, k, staged(spec))
        make_private(marts.staging)
        return dg.MaterializeResult(
            metadata={"dagster/row_count": stats.rows_published, "k": k, **stats.as_metadata()}
        )

    return _asset


def mart_checks(spec: MartSpec) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        name=f"{spec.name}_checks",
        specs=[
            dg.AssetCheckSpec(name, asset=spec.name, blocking=True, description=text)
            for name, text in {**DESCRIPTIONS, GATE: GATE_DESCRIPTION}.items()
        ],
    )
    def _checks(
        warehouse: DuckDBResource,
        marts: MartsStore,
        policy: Policy,
        pseudonym_key: PseudonymKey,
        pii: PiiScanning,
    ) -> Iterator[dg.AssetCheckResult]:
        rules = policy.load()
        with connect(warehouse) as conn:
            marts.attach_staging(conn, read_only=True)
            verdicts = checked_verdicts(
                conn, spec, rules.marts.k, staged(spec), rules.mart_labels(),
                marts.contributions(spec), marts.verified(spec),
            )  # fmt: skip
            scanner = gate_scanner(conn, pseudonym_key.pseudonymizer(), rules, pii.workers)
            verdicts.append(mart_gate(conn, staged(spec), scanner))
        for v in verdicts:
            yield check_result(v, dg.AssetKey(spec.name))

    return _checks


MART_ASSETS = [mart_asset(spec) for spec in MART_SPECS]
MART_CHECKS = [mart_checks(spec) for spec in MART_SPECS]
