"""The engine interface and its DuckDB implementation, with private scratch space."""
