"""Plant bad rows, exactly one problem each, using the validator's reason codes."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Garbage for columns whose type cannot hold it: these rows are written as CSV text.
TEXT_GARBAGE: dict[str, tuple[str, tuple[str, ...]]] = {
    "unparseable_timestamp": ("", ("yesterday", "2026-13-45 99:00:00", "25/11/2026", "어제 오후")),
    "unparseable_date": ("birth_date", ("25/11/1990", "1990-02-31", "unknown")),
    "unparseable_bool": ("consent_ads", ("maybe", "Y?", "동의")),
    "unparseable_amount": ("amount_krw", ("12,000원", "abc", "1.2e3krw")),
}
TYPED_VALUES: dict[str, tuple[str, tuple[object, ...]]] = {
    "unknown_gender": ("gender", ("X", "female", "2")),
    "unknown_region": ("region", ("Tokyo", "서울시", "Pyongyang")),
    "unknown_section": ("section", ("weather", "Sports!", "lifestyle")),
    "unknown_kind": ("kind", ("view", "CLICK!", "conversion")),
    # A century typo (2087 for 1987) stays in the future for decades of test runs.
    "birth_date_out_of_range": (
        "birth_date",
        (dt.date(2087, 5, 17), dt.date(2199, 1, 1), dt.date(1899, 12, 31), dt.date(1066, 10, 14)),
    ),
}
SWAPPED = {
    "malformed_email": ("email", "mobile_phone"),
    "malformed_phone": ("mobile_phone", "email"),
}


@dataclass
class Planted:
    typed: pa.Table
    text_rows: list[dict[str, object]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def bad_count(rows: int, share: float, kinds: int) -> int:
    """About `share` of the rows, but every kind at least once when there are rows to break."""
    if share <= 0 or rows == 0:
        return 0
    return min(rows // 2, max(kinds, round(rows * share)))


def _replace(table: pa.Table, column: str, idx: list[int], values: pa.Array) -> pa.Table:
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[idx] = True
    col = table.column(column)
    order = np.argsort(idx)  # replace_with_mask fills masked slots in row order
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    new = pc.replace_with_mask(
        col.combine_chunks(), pa.array(mask), values.take(pa.array(order)).cast(col.type)
    )
    return table.set_column(table.schema.get_field_index(column), column, new)


def plant(
    rng: np.random.Generator,
    table: pa.Table,
    kinds: list[str],
    n_bad: int,
    key: str,
    time_column: str,
    offset: int = 0,
) -> Planted:
    """Break `n_bad` distinct rows of `table`, cycling through `kinds` from `offset`."""
    if n_bad == 0:
        return Planted(table)
    chosen = rng.choice(table.num_rows, n_bad, replace=False)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for j, i in enumerate(chosen):
        by_kind[kinds[(offset + j) % len(kinds)]].append(int(i))
    out = Planted(table, counts=Counter({k: len(v) for k, v in by_kind.items()}))
    for kind, idx in by_kind.items():
        if kind == "missing_key":
            out.typed = _replace(out.typed, key, idx, pa.nulls(len(idx), pa.string()))
        elif kind in TYPED_VALUES:
            column, values = TYPED_VALUES[kind]
            picks = [values[int(rng.integers(0, len(values)))] for _ in idx]
            out.typed = _replace(out.typed, column, idx, pa.array(picks))
        elif kind == "negative_amount":
            amounts = pc.take(out.typed.column("amount_krw"), pa.array(idx))
            out.typed = _replace(out.typed, "amount_krw", idx, pc.negate(amounts))
        elif kind in SWAPPED:
            target, source = SWAPPED[kind]
            out.typed = _replace(
                out.typed, target, idx, pc.take(out.typed.column(source), pa.array(idx))
            )
    dups = out.typed.take(pa.array(by_kind.get("duplicate_id", []), pa.int64()))
    text_idx = [i for k in TEXT_GARBAGE for i in by_kind.get(k, [])]
    for kind in TEXT_GARBAGE:
        column, values = TEXT_GARBAGE[kind]
        for row in out.typed.take(pa.array(by_kind.get(kind, []), pa.int64())).to_pylist():
            row[column or time_column] = values[int(rng.integers(0, len(values)))]
            out.text_rows.append(row)
    keep = np.ones(out.typed.num_rows, dtype=bool)
    keep[text_idx] = False
    out.typed = pa.concat_tables([out.typed.filter(pa.array(keep)), dups])
    return out
