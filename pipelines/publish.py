"""Publication: every staged mart (recounted unless its checks passed on it as it is) copied
at once into a fresh marts.duckdb that the analysts' DuckDB CLI can open, with a comment on
every table and column."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.constants import MARTS
from pipelines.marts import MART_ASSETS
from pipelines.resources import MartsStore, PiiScanning, Policy, PseudonymKey, connect
from runtime.gate import gate_scanner, mart_gate
from runtime.marts.publish import publication_problems, staged, write_marts_file
from runtime.marts.verified import publication_verdicts
from transforms.marts.catalog import MARTS as MART_SPECS


@dg.asset(group_name=MARTS, kinds={"duckdb"}, deps=MART_ASSETS)
def published_marts(
    warehouse: DuckDBResource,
    marts: MartsStore,
    policy: Policy,
    pseudonym_key: PseudonymKey,
    pii: PiiScanning,
) -> dg.MaterializeResult:
    """marts.duckdb, what analysts open (read-only): every mart, published together only when
    every one passes its checks and the egress gate, so the tables always come from the same
    run. A failed check leaves the previous file in place."""
    rules = policy.load()
    k, labels = rules.marts.k, rules.mart_labels()
    with connect(warehouse) as conn:
        marts.attach_staging(conn, read_only=True)
        scanner = gate_scanner(conn, pseudonym_key.pseudonymizer(), rules, pii.workers)
        recounts = {
            spec.name: publication_verdicts(
                conn,
                spec,
                k,
                staged(spec),
                labels,
                marts.contributions(spec),
                marts.verified(spec),
            )
            for spec in MART_SPECS
        }
        failed = [
            f"{spec.name}: {v.check} ({v.description})"
            for spec in MART_SPECS
            for v in [*recounts[spec.name], mart_gate(conn, staged(spec), scanner)]
            if not v.passed
        ]
        if failed:
            raise dg.Failure("marts not published, the previous file stays: " + "; ".join(failed))
        rows = write_marts_file(conn, marts.published, k)
    recounted = sum(1 for verdicts in recounts.values() if verdicts)  # changed since checked
    return dg.MaterializeResult(
        metadata={
            "path": str(marts.published),
            "k": k,
            "marts_recounted": recounted,
            **{f"rows_{t}": n for t, n in rows.items()},
        }
    )


@dg.asset_check(asset=published_marts, blocking=True)
def marts_file_as_promised(marts: MartsStore) -> dg.AssetCheckResult:
    """marts.duckdb holds exactly the marts, every table and column commented, read-only."""
    problems = publication_problems(marts.published)
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(problems) or "every mart present and commented, file read-only",
    )
