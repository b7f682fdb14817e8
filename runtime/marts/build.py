"""Build one mart into the staging file: roll up, suppress, then withhold complementary cells
until no known total gives a withheld cell away (the SQL is in transforms/thresholding.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from runtime.engine.duck import count, scalar, temp_table
from runtime.engine.interface import Engine
from runtime.marts.contributions import settle, write_pending
from transforms import thresholding as th
from transforms.marts.spec import MartSpec


@dataclass(frozen=True)
class BuildStats:
    rows_published: int  # rows of the mart, totals included
    cells: int  # cells after roll-up, before suppression
    cells_rolled_up: int  # cells below k merged into a roll-up cell
    cells_suppressed: int  # cells still below k after the roll-up
    cells_withheld: int  # cells at or above k withheld so a total cannot reveal a small one
    units: int  # distinct members (or cookies) behind the mart

    def as_metadata(self) -> dict[str, int]:
        return asdict(self)


def withhold_complements(conn: Engine, spec: MartSpec, rolled: str, k: int) -> None:
    """Grow `_withheld` until every known total minus the published cells is 0 or >= k units."""
    published = f"({th.published_cells_sql(spec, '_cells', '_withheld', k)})"
    while True:
        added = 0
        for margin in spec.margins:
            temp_table(conn, "_residuals", th.residuals_sql(spec, margin, rolled, published, k))
            nxt = th.withhold_next_sql(spec, margin, published, "_residuals")
            added += int(conn.execute(f"INSERT INTO _withheld {nxt}").fetchall()[0][0])
        if added == 0:
            return


def build_mart(
    conn: Engine, spec: MartSpec, k: int, target: str, kept: Path | None = None
) -> BuildStats:
    """Write the mart to `target` (a table name) and return what happened to its cells; with
    `kept`, its contributions go to that file for the checks to recount."""
    dims = ", ".join(spec.dimension_names)
    temp_table(conn, "_contrib", spec.contributions)
    if kept is not None:
        write_pending(conn, "_contrib", kept)
    rolled, rolled_up = "_contrib", 0
    if spec.rollup:
        temp_table(conn, "_small", th.small_cells_sql(spec, "_contrib", k))
        temp_table(conn, "_rolled", th.rolled_sql(spec, "_contrib", "_small"))
        rolled, rolled_up = "_rolled", count(conn, "SELECT * FROM _small")
    temp_table(conn, "_cells", th.cells_sql(spec, rolled))
    temp_table(conn, "_withheld", f"SELECT {dims} FROM _cells WHERE FALSE")  # noqa: S608
    withhold_complements(conn, spec, rolled, k)
    published = f"({th.published_cells_sql(spec, '_cells', '_withheld', k)})"
    conn.execute(
        f"CREATE OR REPLACE TABLE {target} AS {th.mart_sql(spec, published, '_contrib', k)}"
    )
    if kept is not None:
        settle(kept)
    return BuildStats(
        rows_published=count(conn, f"SELECT * FROM {target}"),  # noqa: S608
        cells=count(conn, "SELECT * FROM _cells"),
        cells_rolled_up=rolled_up,
        cells_suppressed=count(conn, f"SELECT * FROM _cells WHERE {spec.support} < {int(k)}"),  # noqa: S608
        cells_withheld=count(conn, "SELECT * FROM _withheld"),
        units=int(scalar(conn, "SELECT count(DISTINCT unit) FROM _contrib")),
    )


BUILT = "_built_mart"


def build_on(engine: Engine, conn: Engine, spec: MartSpec, k: int, target: str) -> BuildStats:
    """Build the mart on `engine` (Spark), then copy it, aggregates only, to `target` on
    `conn` (the staging file), in its order."""
    stats = build_mart(engine, spec, k, BUILT)
    conn.register(BUILT, engine.sql(f"SELECT * FROM {BUILT}").to_arrow_table())  # noqa: S608
    conn.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM {BUILT}")  # noqa: S608
    conn.unregister(BUILT)
    engine.execute(f"DROP TABLE {BUILT}")
    return stats
