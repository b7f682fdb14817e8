"""A verdict: what a blocking check found, counts only (never a value). The wiring turns it into
a Dagster check result (pipelines/verdicts.py); a failed one stops everything downstream."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    check: str
    passed: bool
    description: str
    metadata: dict[str, int]
