"""docs/marts.md, the analysts' data dictionary, written from the mart asset definitions:
`python -m pipelines.marts_docs` (a test fails when the committed file is out of date)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.constants import MARTS
from transforms.marts.catalog import MARTS as MART_SPECS

ORDER = {spec.name: i for i, spec in enumerate(MART_SPECS)}

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "marts.md"

INTRO = """# Analyst marts: data dictionary

Generated from the asset definitions by `python -m pipelines.marts_docs`; do not edit by hand.

`marts.duckdb` (under the data root, `data/` by default) holds aggregate tables only. Open it
read-only; the file itself is read-only, and the pipeline replaces it whole on each run.

```sh
.venv/bin/duckdb -readonly data/marts.duckdb          # the DuckDB CLI (pip install duckdb-cli)
.venv/bin/python -c "import duckdb; duckdb.connect('data/marts.duckdb', read_only=True).sql('SELECT * FROM audience_overview ORDER BY members DESC LIMIT 10').show()"
```

Inside the CLI, `SELECT table_name, comment FROM duckdb_tables();` and
`SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'audience_overview';`
show the same descriptions as this page.

## How to read the numbers

- **k.** Every row stands for at least k distinct people (members, or cookies for non-member
  traffic), never fewer, however many rows they produced. k is `marts.k` in
  `config/policy.yaml` (10 unless the privacy officer raised it); each table's comment states it.
- **Missing rows.** A combination with fewer than k people is not shown. Where a dimension is
  marked for roll-up, its small values are merged into one row ('Other regions', 'Other ages')
  within the row's other columns; the merged row is shown when it reaches k.
- **Withheld rows.** Some rows with k or more people are left out too: when a table's 'all' row
  minus the shown rows would single out fewer than k people, the smallest shown rows go until it
  cannot. Sums of shown rows are therefore not totals. No table's numbers add up to another
  table's, so a total from one table never uncovers a row withheld in another.
- **Empty measures.** A measure whose own group of people is below k (clicks by fewer than k
  users, revenue paid by fewer than k members) is empty in an otherwise shown row.
- **Who is counted.** Statistics leave out members who opted out of research and statistics,
  members under 14 without a guardian's consent, and members of unknown age; the ad campaign
  table counts only members who agreed to advertising, plus cookies never seen with a member.
  A logged-out visit on a cookie once seen with a member counts as that member, or not at all.
  Deleted members are gone from the next run on.
- **One snapshot.** All tables are published together from one run, and only when every check
  of every table passes; otherwise the previous file stays.
"""


def _checks(defs: dg.Definitions, key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    specs = [
        s for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition) for s in a.check_specs
    ]
    specs += [s for c in defs.asset_checks or [] for s in c.check_specs]
    return sorted((s for s in specs if s.asset_key == key), key=lambda s: s.name)


def render(defs: dg.Definitions) -> str:
    graph = defs.resolve_asset_graph()
    lines = [INTRO]
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: ORDER.get(k.to_user_string(), 99)):
        node = graph.get(key)
        schema = node.metadata.get("dagster/column_schema")
        if node.group_name != MARTS or schema is None:
            continue
        lines += [f"## `{key.to_user_string()}`", "", node.description or "", ""]
        lines += ["| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in schema.columns]
        lines += ["", "Checks before publication (each blocks it when it fails):", ""]
        lines += [f"- `{s.name}`: {s.description}" for s in _checks(defs, key)]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    from pipelines.definitions import defs

    DOC_PATH.write_text(render(defs), encoding="utf-8")
    print(f"wrote {DOC_PATH}")
