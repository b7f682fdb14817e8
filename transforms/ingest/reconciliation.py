"""Every row accounted for: read = accepted + quarantined, and what was written adds up
(CONTRACT.md, Bad input). Pure, so the check can be shown failing in a test."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowCounts:
    """Counts of one table in one run, each measured on its own (not derived from the others)."""

    read: int  # rows in the run's scope of the raw files
    accepted: int  # rows that passed validation
    quarantined: int  # rows that failed validation
    erased: int  # accepted rows of erased members or their cookies
    superseded: int  # older rows of a member (newest row wins)
    written: int  # rows now in the warehouse for the run's scope
    quarantine_kept: int  # rows in the quarantine files written this run
    quarantined_erased: int  # quarantined rows of erased members, not kept

    def as_metadata(self) -> dict[str, int]:
        return {f"rows_{k}": v for k, v in self.__dict__.items()}


def reconciliation_problems(c: RowCounts) -> list[str]:
    """Empty when every row read is accounted for; otherwise what does not add up."""
    problems = []
    if c.read != c.accepted + c.quarantined:
        problems.append(f"read {c.read} != accepted {c.accepted} + quarantined {c.quarantined}")
    expected = c.accepted - c.erased - c.superseded
    if c.written != expected:
        problems.append(
            f"written {c.written} != accepted {c.accepted} - erased {c.erased} "
            f"- superseded {c.superseded}"
        )
    if c.quarantine_kept != c.quarantined - c.quarantined_erased:
        problems.append(
            f"quarantine holds {c.quarantine_kept} != quarantined {c.quarantined} "
            f"- of erased members {c.quarantined_erased}"
        )
    return problems
