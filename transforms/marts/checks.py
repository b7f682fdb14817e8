"""Predicates behind the marts' blocking checks. Each recounts from the contributions and the
published rows only, never from the building steps' own tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from transforms.marts.spec import MartSpec
from transforms.sql import literal
from transforms.thresholding import (
    cells_sql,
    join_on,
    margin_totals_sql,
    residuals_sql,
    rolled_sql,
    small_cells_sql,
)


def partition_rows_sql(spec: MartSpec, published: str) -> str:
    """The published cells without the published total rows."""
    hide = [
        f"{spec.margin_dimension(m)} <> {literal(m.row_label)}" for m in spec.margins
    ]  # fmt: skip
    return f"SELECT * FROM {published} WHERE {' AND '.join(hide) or 'TRUE'}"  # noqa: S608


def _keyed_sql(spec: MartSpec, contributions: str, k: int) -> str:
    """Contributions keyed as the roll-up defines it, recounted here: a value of the roll-up
    dimension with fewer than k units in its cell belongs to the roll-up cell."""
    if spec.rollup is None:
        return contributions
    small = f"({small_cells_sql(spec, contributions, k)})"
    return f"({rolled_sql(spec, contributions, small)})"


def k_violations_sql(spec: MartSpec, contributions: str, published: str, k: int) -> str:
    """Published rows (cells and totals) whose recount has fewer than k units, differs from the
    published unit count, or shows a measure whose own support is below k."""
    dims = spec.dimension_names
    shown = [
        f"(p.{m.name} IS NOT NULL AND r.{m.support} < {int(k)})" for m in spec.measures if m.support
    ]
    bad = " OR ".join(
        [
            f"r.{spec.support} IS NULL",
            f"r.{spec.support} < {int(k)}",
            f"r.{spec.support} <> p.{spec.support}",
            *shown,
        ]
    )
    recount = cells_sql(spec, _keyed_sql(spec, contributions, k))
    parts = [
        f"SELECT p.* FROM ({partition_rows_sql(spec, published)}) p "  # noqa: S608
        f"LEFT JOIN ({recount}) r ON {join_on('p', 'r', dims)} WHERE {bad}"
    ]
    for m in spec.margins:
        label_dim, totals = spec.margin_dimension(m), margin_totals_sql(spec, m, contributions)
        parts.append(
            f"SELECT p.* FROM {published} p LEFT JOIN ({totals}) r "  # noqa: S608
            f"ON {join_on('p', 'r', m.group)} "
            f"WHERE p.{label_dim} = {literal(m.row_label)} AND ({bad})"
        )
    return f"SELECT count(*) FROM ({' UNION ALL '.join(parts)})"  # noqa: S608


def residual_violations_sql(spec: MartSpec, contributions: str, published: str, k: int) -> str:
    """Groups of a known total in which the withheld cells stand for 1 to k-1 units."""
    keyed = _keyed_sql(spec, contributions, k)
    partition = f"({partition_rows_sql(spec, published)})"
    counts = [
        f"SELECT count(*) AS n FROM ({residuals_sql(spec, m, keyed, partition, k)})"  # noqa: S608
        for m in spec.margins
    ]
    return f"SELECT COALESCE(sum(n), 0) FROM ({' UNION ALL '.join(counts) or 'SELECT 0 AS n'})"  # noqa: S608


@dataclass(frozen=True)
class MartShape:
    rows: int
    distinct_keys: int
    null_keys: int
    negative_values: int
    units: int  # distinct units in the contributions
    cell_bound: int  # the most rows the contributions could give: cells + roll-ups + totals
    largest_group: int  # support of the largest roll-up cell (or cell, or total): >= k must show


def _groupings(spec: MartSpec) -> list[tuple[str, ...]]:
    """Cells, roll-up parents and total rows: every grouping that can become a row."""
    groups = [spec.dimension_names]
    if spec.rollup:
        groups.append(tuple(d for d in spec.dimension_names if d != spec.rollup.dimension))
    return groups + [m.group for m in spec.margins]


def shape_sql(spec: MartSpec, contributions: str, published: str) -> str:
    dims = ", ".join(spec.dimension_names)
    nulls = " OR ".join(f"{d} IS NULL" for d in spec.dimension_names)
    negative = " OR ".join(f"{m.name} < 0" for m in spec.measures)
    groups = [
        f"SELECT {spec.support_sql} AS n FROM {contributions}"  # noqa: S608
        + (f" GROUP BY {', '.join(g)}" if g else "")
        for g in _groupings(spec)
    ]
    bound = " + ".join(f"(SELECT count(*) FROM ({g}))" for g in groups)  # noqa: S608
    largest = " UNION ALL ".join(groups)
    return (
        f"SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT {dims} FROM {published})), "  # noqa: S608
        f"count(*) FILTER (WHERE {nulls}), count(*) FILTER (WHERE {negative}), "
        f"(SELECT count(DISTINCT unit) FROM {contributions}), {bound}, "
        f"(SELECT COALESCE(max(n), 0) FROM ({largest})) FROM {published}"
    )


def plausibility_problems(shape: MartShape, k: int) -> list[str]:
    """Empty when the row counts make sense for the contributions behind them."""
    problems = []
    if shape.rows != shape.distinct_keys:
        problems.append(f"{shape.rows - shape.distinct_keys} duplicate key(s)")
    if shape.null_keys:
        problems.append(f"{shape.null_keys} row(s) with an empty key")
    if shape.negative_values:
        problems.append(f"{shape.negative_values} row(s) with a negative count or sum")
    if shape.rows > shape.cell_bound:
        problems.append(f"{shape.rows} rows but the data can give at most {shape.cell_bound}")
    if shape.rows == 0 and shape.largest_group >= k:
        problems.append(f"no row published although a group of {shape.largest_group} exists")
    return problems


def unlabelled_dimensions(spec: MartSpec, rules: Mapping[str, str]) -> list[str]:
    """Text dimensions with no label rule: a mart may not publish text nobody vetted."""
    return [d.name for d in spec.dimensions if d.sql_type == "VARCHAR" and d.name not in rules]


def label_violations_sql(spec: MartSpec, published: str, rules: Mapping[str, str]) -> str:
    """Published rows with a label its column's rule does not allow (an unruled text dimension
    counts every row). `rules`: column -> SQL true for a value that may be published."""
    text_dims = [d.name for d in spec.dimensions if d.sql_type == "VARCHAR"]
    allowed = [f"COALESCE({rules[d]}, FALSE)" if d in rules else "FALSE" for d in text_dims]
    bad = " OR ".join(f"NOT ({a})" for a in allowed) or "FALSE"
    return f"SELECT count(*) FROM {published} WHERE {bad}"  # noqa: S608
