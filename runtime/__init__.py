"""veil's Dagster-free runtime: storage, engines, sources, the ledger, drafting and delivery,
publication, the gate runner and config loading. It imports transforms/, never Dagster.

Importing it sets the process umask to 077 before anything is created: every file and folder
this process (and the Dagster processes it starts) writes is the owner's only, DuckDB's WAL and
spill files included (CONTRACT.md, P7). marts.duckdb is opened up on purpose, and only it.
"""

import os

os.umask(0o077)
