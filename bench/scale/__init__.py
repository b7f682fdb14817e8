"""The scale benchmark: contract-shaped data at a named size, the main job stage by stage, and
the same marts by a hand-written DuckDB script (the floor) and by pandas."""
