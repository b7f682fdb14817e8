"""A release's queries: counts over a public, enumerable domain, with each member's contribution
bounded so that the query's sensitivity is known before any noise is added.

Every query yields one true count per cell of its domain, zeros included: which cells exist never
depends on the data, so publishing only the cells whose *noisy* count reaches k is
post-processing of a differentially private vector (no delta is spent choosing keys).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from transforms.sql import literal

CELL_SEPARATOR = "|"


@dataclass(frozen=True)
class Dimension:
    name: str
    values: tuple[str, ...]  # the public domain, in the order files list it


@dataclass(frozen=True)
class Query:
    """One vector of counts released with one draw of noise."""

    label: str  # how manifests and reports name it, e.g. "audience_size of women_20s"
    question: dict[str, Any]  # what it counts, over whom, by what, when: no names, no wording
    dimensions: tuple[Dimension, ...]  # empty: a single cell
    contributions: str  # SQL: member_pseudonym and the dimension columns, one row per unit
    distinct: bool  # count members per cell (True) or contributed rows (False)
    max_rows_per_member: int  # contribution bound: cells (distinct) or rows a member adds

    @property
    def sensitivity(self) -> int:
        """L1 sensitivity: adding or removing one member changes the counts by at most this."""
        cells = 1
        for d in self.dimensions:
            cells *= len(d.values)
        return min(self.max_rows_per_member, cells) if self.distinct else self.max_rows_per_member

    def key(self, consumer: str) -> str:
        """Stored answers are found by this: the consumer and the question (which holds the
        days its data comes from, so two periods asking for the same members are one question)."""
        payload = {"consumer": consumer, "question": self.question}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def cell_key(values: tuple[str, ...]) -> str:
    return CELL_SEPARATOR.join(values)


def domain_sql(dimensions: tuple[Dimension, ...]) -> str:
    """Every cell of the public domain, one row each."""
    if not dimensions:
        return "SELECT 1 AS _one"
    parts = [
        "(SELECT unnest([" + ", ".join(literal(v) for v in d.values) + f"]) AS {d.name})"
        for d in dimensions
    ]
    return "SELECT * FROM " + " CROSS JOIN ".join(parts)  # noqa: S608


def bounded_counts_sql(q: Query) -> str:
    """(cell, value) for every cell of the domain, ordered by cell, each member's contribution
    cut to q.max_rows_per_member rows (a pseudo-random but stable choice per member)."""
    dims = [d.name for d in q.dimensions]
    cols = ", ".join(dims)
    rows = (
        f"SELECT DISTINCT member_pseudonym{', ' + cols if cols else ''} FROM ({q.contributions})"  # noqa: S608
        if q.distinct
        else f"SELECT * FROM ({q.contributions})"  # noqa: S608
    )
    # md5, not hash(): the same rows are kept on DuckDB and on Spark (the parity test)
    order = f"md5(concat_ws('|', member_pseudonym{', ' + cols if cols else ''}))"
    kept = (
        f"SELECT * FROM ({rows}) QUALIFY row_number() OVER "  # noqa: S608
        f"(PARTITION BY member_pseudonym ORDER BY {order}) <= {q.max_rows_per_member}"
    )
    if not dims:
        return f"SELECT '' AS cell, count(*) AS value FROM ({kept})"  # noqa: S608
    counts = f"SELECT {cols}, count(*) AS value FROM ({kept}) GROUP BY {cols}"  # noqa: S608
    join = " AND ".join(f"c.{d} = dom.{d}" for d in dims)
    cell = "concat_ws(" + literal(CELL_SEPARATOR) + ", " + ", ".join(f"dom.{d}" for d in dims) + ")"
    return (
        f"SELECT {cell} AS cell, COALESCE(c.value, 0) AS value "  # noqa: S608
        f"FROM ({domain_sql(q.dimensions)}) dom LEFT JOIN ({counts}) c ON {join} ORDER BY cell"
    )
