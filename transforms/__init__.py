"""Pure, engine-portable transformations: SQL builders (DuckDB dialect) and Arrow functions.

Nothing here imports Dagster or touches files; see docs/decisions.md for the portability rule.
"""
