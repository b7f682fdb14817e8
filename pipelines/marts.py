"""Analyst marts: aggregates of the warehouse, built in the staging file and checked there.
Nothing here reaches analysts until `published_marts` copies every mart at once."""

from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import duck
from pipelines.constants import MARTS
from pipelines.deletion import member_erasure
from pipelines.gate import DESCRIPTION as GATE_DESCRIPTION
from pipelines.gate import GATE, gate_scanner, mart_gate
from pipelines.mart_build import build_mart
from pipelines.mart_verify import DESCRIPTIONS, verify_mart
from pipelines.resources import MartsStore, PiiScanning, Policy, PseudonymKey
from pipelines.storage import make_private
from transforms.mart_catalog import MARTS as MART_SPECS
from transforms.mart_spec import MartSpec


def column_schema(spec: MartSpec) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.sql_type, description=c.comment) for c in spec.columns]
    )


def staged(spec: MartSpec) -> str:
    return f"staging.{spec.name}"


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
        warehouse: DuckDBResource, marts: MartsStore, policy: Policy
    ) -> dg.MaterializeResult:
        k = policy.load().marts.k
        with duck.connect(warehouse) as conn:
            marts.attach_staging(conn, read_only=False)
            stats = build_mart(conn, spec, k, staged(spec))
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
        with duck.connect(warehouse) as conn:
            marts.attach_staging(conn, read_only=True)
            verdicts = verify_mart(conn, spec, rules.marts.k, staged(spec), rules.mart_labels())
            scanner = gate_scanner(conn, pseudonym_key.secret(), rules, pii)
            verdicts.append(mart_gate(conn, staged(spec), scanner))
        for v in verdicts:
            yield v.as_check_result(dg.AssetKey(spec.name))

    return _checks


MART_ASSETS = [mart_asset(spec) for spec in MART_SPECS]
MART_CHECKS = [mart_checks(spec) for spec in MART_SPECS]
