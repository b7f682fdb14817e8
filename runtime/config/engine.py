"""How much of the machine the engine may take: DuckDB's memory limit, threads and spill cap.

Every connection opens with these (runtime/engine/duck.py). Defaults fit a machine that also
runs Dagster and the PII scanner's workers: a quarter of the physical memory, every core, and
at most 4 GiB of spill, so a query that would fill the disk stops with an error instead.
Operators set them with environment variables (docs/operations.md):

    PIPELINE_ENGINE_MEMORY   e.g. 8GiB      (DuckDB memory_limit)
    PIPELINE_ENGINE_THREADS  e.g. 4         (DuckDB threads)
    PIPELINE_ENGINE_SPILL    e.g. 20GiB     (DuckDB max_temp_directory_size)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

MEMORY_ENV, THREADS_ENV, SPILL_ENV = (
    "PIPELINE_ENGINE_MEMORY", "PIPELINE_ENGINE_THREADS", "PIPELINE_ENGINE_SPILL"
)  # fmt: skip
MEMORY_SHARE = 0.25
DEFAULT_SPILL = "4GiB"
_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)")


class EngineSettingError(ValueError):
    """An engine setting in the environment is malformed (the message names the variable)."""


def physical_memory() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _size(name: str, value: str) -> str:
    if not _SIZE.fullmatch(value.strip()):
        raise EngineSettingError(f"{name} must be a size such as 8GiB or 512MiB")
    return value.strip()


def engine_limits(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """DuckDB settings for memory, threads and spill, from `env` (default: the environment)."""
    env = os.environ if env is None else env
    memory = env.get(MEMORY_ENV) or f"{int(physical_memory() * MEMORY_SHARE) // 2**20}MiB"
    threads = env.get(THREADS_ENV) or str(os.cpu_count() or 1)
    if not threads.strip().isdigit() or int(threads) < 1:
        raise EngineSettingError(f"{THREADS_ENV} must be a whole number of threads, 1 or more")
    return {
        "memory_limit": _size(MEMORY_ENV, memory),
        "threads": int(threads),
        "max_temp_directory_size": _size(SPILL_ENV, env.get(SPILL_ENV) or DEFAULT_SPILL),
    }
