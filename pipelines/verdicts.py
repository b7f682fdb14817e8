"""Runtime verdicts and problem lists as blocking Dagster check results."""

import dagster as dg

from runtime.verdicts import Verdict


def check_result(verdict: Verdict, asset_key: dg.AssetKey) -> dg.AssetCheckResult:
    """A blocking check's result: a failed verdict stops everything downstream."""
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=verdict.check,
        passed=verdict.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=verdict.description,
        metadata=verdict.metadata,
    )


def failure_result(check: str, problems: list[str], passed_text: str) -> dg.AssetCheckResult:
    """A blocking check's result from its list of problems (none: it passed)."""
    return dg.AssetCheckResult(
        check_name=check,
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(problems) or passed_text,
    )
