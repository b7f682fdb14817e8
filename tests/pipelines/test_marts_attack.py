"""The differencing attacker: from marts.duckdb alone (plus the public data dictionary), try to
recover any withheld value by adding and subtracting published numbers, within a mart and
across marts. A value is recoverable exactly when its cells' indicator lies in the row space of
the published equations; we test that with linear algebra, not with our own suppression rules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pytest

from pipelines.resources import MartsStore
from runtime.engine.duck import open_database
from runtime.marts import build as mart_build
from runtime.marts.publish import write_marts_file
from runtime.paths import marts_path, warehouse_path
from sampledata import generate
from tests.pipelines import planted_marts
from tests.pipelines.conftest import checks, run_main
from transforms.marts.catalog import MARTS
from transforms.marts.spec import MartSpec

K = 10
Cell = tuple
Equation = frozenset


def published_rows(root: Path, spec: MartSpec) -> list[tuple]:
    conn = duckdb.connect(str(marts_path(root)), read_only=True)
    try:
        return conn.execute(f"SELECT * FROM {spec.name}").fetchall()
    finally:
        conn.close()


def true_cells(root: Path, spec: MartSpec) -> dict[Cell, set[str]]:
    """The people behind every finest cell (what the attacker wants)."""
    conn = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        dims = ", ".join(spec.dimension_names)
        rows = conn.execute(
            f"SELECT {dims}, list(DISTINCT unit) FROM ({spec.contributions}) GROUP BY ALL"
        ).fetchall()
    finally:
        conn.close()
    return {tuple(r[:-1]): set(r[-1]) for r in rows}


def equations(spec: MartSpec, rows: list[tuple], truth: dict[Cell, set[str]]) -> tuple[set, list]:
    """(cells published on their own, sums the attacker can form) for one mart. The attacker
    knows every cell's size class, so a roll-up row is the sum of exactly its small cells."""
    dims = spec.dimension_names
    labels = {m.row_label: spec.margin_dimension(m) for m in spec.margins}
    rolled = spec.rollup
    r_at = dims.index(rolled.dimension) if rolled else -1
    singles, sums = set(), []
    for row in rows:
        key = row[: len(dims)]
        total = next(
            (m for m in spec.margins if key[dims.index(labels[m.row_label])] == m.row_label), None
        )
        if total:  # a total row: every cell of its group
            at = [dims.index(d) for d in total.group]
            sums.append(Equation(c for c in truth if all(c[i] == key[i] for i in at)))
        elif rolled and key[r_at] == rolled.label:  # a roll-up row: the parent's small cells
            sums.append(Equation(
                c for c, people in truth.items()
                if len(people) < K and all(c[i] == key[i] for i in range(len(dims)) if i != r_at)
            ))  # fmt: skip
        else:
            singles.add(key)
    return singles, sums


def recoverable(singles: set, sums: list, targets: list[frozenset]) -> list[bool]:
    """Whether each target (a set of withheld cells) has a sum the published numbers give."""
    unknown = sorted({c for eq in sums for c in eq} - singles, key=repr)
    if not unknown:
        return [False] * len(targets)
    index = {c: i for i, c in enumerate(unknown)}
    matrix = np.zeros((len(sums), len(unknown)))
    for row, eq in enumerate(sums):
        for c in eq - singles:
            matrix[row, index[c]] = 1.0
    _, s, vt = np.linalg.svd(matrix, full_matrices=False)
    basis = vt[s > 1e-9 * max(s.max(), 1.0)]
    out = []
    for target in targets:
        if any(c not in index for c in target):
            out.append(False)  # a cell in no published sum
            continue
        t = np.zeros(len(unknown))
        t[[index[c] for c in target]] = 1.0
        out.append(bool(np.isclose(np.linalg.norm(basis @ t) ** 2, len(target))))
    return out


def attack(root: Path) -> dict[str, list[Cell]]:
    """Per mart, the withheld cells (or withheld roll-ups) the attacker recovers."""
    found = {}
    for spec in MARTS:
        truth, rows = true_cells(root, spec), published_rows(root, spec)
        # The strongest attacker: knows which cells hold anyone (every other cell is a known 0)
        # and which hold fewer than k. Marts share no additive measure (D9), so each mart's
        # equations are the whole system for its cells.
        singles, sums = equations(spec, rows, truth)
        small = [c for c, people in truth.items() if 0 < len(people) < K]
        targets = [frozenset([c]) for c in small]
        if spec.rollup:  # a withheld roll-up is a secret too
            at = spec.dimension_names.index(spec.rollup.dimension)
            parents: dict[tuple, list[Cell]] = {}
            for c in small:
                parents.setdefault(c[:at] + c[at + 1 :], []).append(c)
            for cells in parents.values():
                people = set().union(*(truth[c] for c in cells))
                if len(cells) > 1 and len(people) < K:
                    targets.append(frozenset(cells))
        hits = recoverable(singles, sums, targets)
        found[spec.name] = [
            sorted(t, key=repr) for t, hit in zip(targets, hits, strict=True) if hit
        ]
        found[f"{spec.name}:targets"] = targets
    return found


def secrets(found: dict) -> dict[str, list]:
    return {k: v for k, v in found.items() if not k.endswith(":targets") and v}


def test_the_attacker_finds_a_withheld_cell_when_complements_are_not_withheld(
    tmp_path, monkeypatch
) -> None:
    """Positive control: without complementary suppression, the quiet day's 'all' row minus its
    30 non-members gives the 3 members away."""
    root = tmp_path / "data"
    planted_marts.plant(root)
    monkeypatch.setattr(mart_build, "withhold_complements", lambda *a: None)
    result = run_main(
        root, first=planted_marts.FIRST_DAY, last=planted_marts.LAST_DAY, raise_on_error=False
    )
    assert checks(result)["site_traffic_daily:no_suppressed_cell_recoverable"] is False
    assert not marts_path(root).exists()  # the check blocked it; publish it anyway, unchecked
    with open_database(root, str(warehouse_path(root))) as conn:
        MartsStore(root=str(root)).attach_staging(conn, read_only=True)
        write_marts_file(conn, marts_path(root), K)
    leaked = secrets(attack(root))
    assert leaked == {"site_traffic_daily": [[(dt.date(2026, 11, 20), "members")]]}


def test_no_withheld_cell_is_recoverable_on_planted_groups(tmp_path) -> None:
    root = tmp_path / "data"
    planted_marts.plant(root)
    assert run_main(root, first=planted_marts.FIRST_DAY, last=planted_marts.LAST_DAY).success
    found = attack(root)
    assert found["site_traffic_daily:targets"], "nothing was withheld: the test is vacuous"
    assert found["section_readership_weekly:targets"]
    assert secrets(found) == {}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generated members over 9 days (a partial and a full week), plus planted small groups:
    three readers of one region and age, one lone shopper, one lone non-member."""
    root = tmp_path_factory.mktemp("attack") / "data"
    generate(root, members=2000, days=9, seed=11, end_date=dt.date(2026, 11, 22))
    planted_marts.plant_small_groups(root)
    assert run_main(root, first="2026-11-14", last="2026-11-22").success
    return root


def test_no_withheld_cell_is_recoverable_on_generated_data(generated) -> None:
    found = attack(generated)
    withheld = {k: len(v) for k, v in found.items() if k.endswith(":targets")}
    assert sum(withheld.values()) > 100, withheld  # plenty of small cells to go after
    assert secrets(found) == {}
