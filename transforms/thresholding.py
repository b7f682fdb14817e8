"""k-threshold (P1), for marts and releases alike: every published cell stands for at least k
distinct units, no withheld cell can be recovered by subtracting published cells from a total
an analyst can know, and a released noisy count is shown only when it reaches its threshold.
The floors of k per consumer kind live here too: a config may raise k, never lower it.

Building a mart (driven by `runtime/marts/build.py`): group the contributions into cells, merge
cells below k into their roll-up cell, withhold what is still below k, then withhold more cells
(smallest first) until every known total minus the published cells is 0 or at least k units.
The predicates at the end recount everything from the contributions and the published rows
alone, so a check built on them catches a mistake in the building steps.
"""

from __future__ import annotations

from transforms.marts.spec import Margin, MartSpec
from transforms.sql import literal

ROLLED = "_rolled"  # the roll-up dimension's value after small cells are merged

ANALYST_MIN_K = 10  # the analysts' default; a policy may raise k, never lower it
PARTNER_MIN_K = 50  # like the aggregation threshold of the large ad clean rooms
RESEARCH_MIN_K = 10


def release_threshold(k: int) -> int:
    """The noisy count a released cell must reach to be shown: k itself today (D10)."""
    return k


def shown_count(noisy: int, threshold: int) -> int | None:
    """A released count as published: the noisy value when it reaches the threshold, else
    empty (left out)."""
    return noisy if noisy >= threshold else None


def join_on(a: str, b: str, dims: tuple[str, ...] | list[str]) -> str:
    """Equal keys, an empty key equal to itself (so it can be matched and withheld)."""
    return " AND ".join(f"{a}.{d} IS NOT DISTINCT FROM {b}.{d}" for d in dims) or "TRUE"


def _cols(alias: str, dims: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f"{alias}.{d}" for d in dims)


def _key_columns(spec: MartSpec, rolled: bool) -> list[str]:
    """The column holding each dimension's value in (rolled) contributions."""
    r = spec.rollup.dimension if spec.rollup and rolled else None
    return [ROLLED if d == r else d for d in spec.dimension_names]


def small_cells_sql(spec: MartSpec, contributions: str, k: int) -> str:
    dims = ", ".join(spec.dimension_names)
    return (
        f"SELECT {dims} FROM {contributions} GROUP BY {dims} "  # noqa: S608
        f"HAVING {spec.support_sql} < {int(k)}"
    )


def rolled_sql(spec: MartSpec, contributions: str, small: str) -> str:
    """Contributions with `_rolled`: the roll-up label for the cells listed in `small`, the
    dimension's own value for the others."""
    if spec.rollup is None:
        raise ValueError(f"{spec.name} has no roll-up")
    r, label = spec.rollup.dimension, literal(spec.rollup.label)
    dims = spec.dimension_names
    return (
        f"SELECT c.*, CASE WHEN m._hit THEN {label} ELSE c.{r} END AS {ROLLED} "  # noqa: S608
        f"FROM {contributions} c LEFT JOIN (SELECT DISTINCT {', '.join(dims)}, TRUE AS _hit "
        f"FROM {small}) m ON {join_on('c', 'm', dims)}"
    )


def _measures(spec: MartSpec) -> str:
    return ", ".join(f"{m.sql} AS {m.name}" for m in spec.measures)


def cells_sql(spec: MartSpec, rolled: str) -> str:
    """Every cell (after roll-up) with all its measures, before any suppression."""
    columns = _key_columns(spec, rolled=spec.rollup is not None)
    keys = [
        c if c == d else f"{c} AS {d}" for c, d in zip(columns, spec.dimension_names, strict=True)
    ]
    group = ", ".join(columns)
    return f"SELECT {', '.join(keys)}, {_measures(spec)} FROM {rolled} GROUP BY {group}"  # noqa: S608


def published_cells_sql(spec: MartSpec, cells: str, withheld: str, k: int) -> str:
    dims = spec.dimension_names
    return (
        f"SELECT c.* FROM {cells} c LEFT JOIN (SELECT *, TRUE AS _w FROM {withheld}) w "  # noqa: S608
        f"ON {join_on('c', 'w', dims)} WHERE w._w IS NULL AND c.{spec.support} >= {int(k)}"
    )


def _margin_totals(spec: MartSpec, margin: Margin, contributions: str, k: int) -> str:
    g = ", ".join(margin.group)
    return (
        f"SELECT {g} FROM {contributions} GROUP BY {g} "  # noqa: S608
        f"HAVING {spec.support_sql} >= {int(k)}"
    )


def residuals_sql(spec: MartSpec, margin: Margin, rolled: str, published: str, k: int) -> str:
    """Groups of a known total whose contributions outside the published cells stand for 1 to
    k-1 units: subtracting would reveal them. A total below k units is never published."""
    dims, g = spec.dimension_names, margin.group
    columns = _key_columns(spec, rolled=spec.rollup is not None)
    on = " AND ".join(
        f"r.{c} IS NOT DISTINCT FROM p.{d}" for c, d in zip(columns, dims, strict=True)
    )
    uncovered = (
        f"SELECT r.* FROM {rolled} r LEFT JOIN (SELECT DISTINCT {', '.join(dims)}, TRUE AS _p "  # noqa: S608
        f"FROM {published}) p ON {on} WHERE p._p IS NULL"
    )
    known = f" JOIN ({_margin_totals(spec, margin, rolled, k)}) t ON {join_on('u', 't', g)}"
    people = spec.support_sql  # over u: the totals t hold only the group columns
    return (
        f"SELECT {_cols('u', g)}, {people} AS residual FROM ({uncovered}) u{known} "  # noqa: S608
        f"GROUP BY {_cols('u', g)} HAVING {people} BETWEEN 1 AND {int(k) - 1}"
    )


def withhold_next_sql(spec: MartSpec, margin: Margin, published: str, residuals: str) -> str:
    """In each group of `residuals`, the published cell with the fewest units (then by key)."""
    dims, g = spec.dimension_names, margin.group
    order = ", ".join([f"p.{spec.support}", *(f"p.{d}" for d in dims)])
    return (
        f"SELECT {', '.join(dims)} FROM (SELECT {_cols('p', dims)}, row_number() OVER "  # noqa: S608
        f"(PARTITION BY {_cols('p', g)} ORDER BY {order}) AS _rank FROM {published} p "
        f"JOIN {residuals} r ON {join_on('p', 'r', g)}) WHERE _rank = 1"
    )


def _shown(spec: MartSpec, k: int) -> str:
    """Measure columns, each NULL where its own support is below k."""
    return ", ".join(
        f"CASE WHEN {m.support} >= {int(k)} THEN {m.name} END AS {m.name}" if m.support else m.name
        for m in spec.measures
    )


def margin_totals_sql(spec: MartSpec, margin: Margin, contributions: str) -> str:
    """Every measure per group of the margin, before any threshold."""
    g = ", ".join(margin.group)
    return f"SELECT {g}, {_measures(spec)} FROM {contributions} GROUP BY {g}"  # noqa: S608


def margin_rows_sql(spec: MartSpec, margin: Margin, contributions: str, k: int) -> str:
    """Published total rows: the margin's groups, `row_label` in the remaining dimension."""
    label_dim, label = spec.margin_dimension(margin), literal(margin.row_label)
    keys = [f"{label} AS {d}" if d == label_dim else d for d in spec.dimension_names]
    names = ", ".join(m.name for m in spec.measures)
    return (
        f"SELECT {', '.join(keys)}, {names} "  # noqa: S608
        f"FROM ({margin_totals_sql(spec, margin, contributions)}) "
        f"WHERE {spec.support} >= {int(k)}"
    )


def mart_sql(spec: MartSpec, published: str, contributions: str, k: int) -> str:
    """The mart as analysts get it: published cells, then published total rows, in key order."""
    dims = ", ".join(spec.dimension_names)
    parts = [f"SELECT {dims}, {', '.join(m.name for m in spec.measures)} FROM {published}"]  # noqa: S608
    parts += [margin_rows_sql(spec, m, contributions, k) for m in spec.margins]
    union = " UNION ALL ".join(parts)
    return f"SELECT {dims}, {_shown(spec, k)} FROM ({union}) ORDER BY {dims}"  # noqa: S608
