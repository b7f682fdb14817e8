"""Every SQL the transforms build must transpile to Spark SQL (docs/decisions.md, D1)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from transforms import thresholding
from transforms.contract import EVENT_TABLES, TABLES
from transforms.gate.identifiers import identifier_hits_sql, raw_identifiers_sql
from transforms.ingest.sources import Branch, TimeScope, raw_rows_sql
from transforms.ingest.validation import ValidationWindow, validate_rows_sql
from transforms.marts import checks as mart_checks
from transforms.marts.catalog import MARTS
from transforms.person import erasure
from transforms.person.eligibility import Purpose, PurposeRule
from transforms.person.tables import (
    Generalization,
    events_sql,
    keep_newest_per_member_sql,
    members_sql,
)

WINDOW = ValidationWindow(dt.datetime(2020, 1, 1), dt.datetime(2026, 11, 25), dt.date(2026, 11, 25))
SCOPE = TimeScope(dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 21), WINDOW)
RULE = PurposeRule(require_consent_ads=True, exclude_opt_out_research=True)


def built_sql() -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in TABLES.values():
        branch = Branch("raw_scan", spec.column_names, "file_row_number + 1", "x")
        out[f"raw_rows:{spec.name}"] = raw_rows_sql(spec, [branch], [], SCOPE)
        out[f"validate:{spec.name}"] = validate_rows_sql(spec, "scoped", WINDOW)
    out["newest"] = keep_newest_per_member_sql("kept")
    out["members"] = members_sql(
        "kept", "p", WINDOW.run_date, Generalization(), dict.fromkeys(Purpose, RULE), []
    )
    for spec in EVENT_TABLES:
        out[f"events:{spec.name}"] = events_sql(spec, "kept", "p", Generalization(), [])
    out["erased_ids"] = erasure.erased_member_ids_sql("d")
    out["linked_cookies"] = erasure.linked_cookies_sql("v", "e", "cookie_id")
    out["erase"] = (
        erasure.erase_from_warehouse_sql("visits", {"member_pseudonym", "cookie_pseudonym"}, "e")
        or ""
    )
    out["identifiers"] = raw_identifiers_sql("m", [("v", "ip")])
    out["hits"] = identifier_hits_sql("ids", "visits", "url_path")
    for spec in MARTS:
        out.update({f"{spec.name}:{k}": v for k, v in mart_sql(spec).items()})
    return out


def mart_sql(spec) -> dict[str, str]:
    """Every statement that builds and checks one mart."""
    out = {"contributions": spec.contributions, "cells": thresholding.cells_sql(spec, "r")}
    if spec.rollup:
        out["small"] = thresholding.small_cells_sql(spec, "c", 10)
        out["rolled"] = thresholding.rolled_sql(spec, "c", "s")
    out["published"] = thresholding.published_cells_sql(spec, "cells", "w", 10)
    for i, margin in enumerate(spec.margins):
        out[f"residuals{i}"] = thresholding.residuals_sql(spec, margin, "r", "p", 10)
        out[f"withhold{i}"] = thresholding.withhold_next_sql(spec, margin, "p", "res")
    out["mart"] = thresholding.mart_sql(spec, "p", "c", 10)
    out["k_check"] = mart_checks.k_violations_sql(spec, "c", "m", 10)
    out["residual_check"] = mart_checks.residual_violations_sql(spec, "c", "m", 10)
    out["shape"] = mart_checks.shape_sql(spec, "c", "m")
    return out


@pytest.mark.parametrize(("name", "sql"), sorted(built_sql().items()))
def test_transpiles_to_spark(name: str, sql: str) -> None:
    spark = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
    assert spark and spark[0]
