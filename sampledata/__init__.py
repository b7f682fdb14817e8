"""Deterministic synthetic raw data for every table of CONTRACT.md, with planted bad rows.

`generate()` returns the ground truth (rows and bad rows per reason) that tests check the
validator against. Sizes scale to 1M members and 100M visits: events are written in chunks.
"""

from sampledata.generate import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]
