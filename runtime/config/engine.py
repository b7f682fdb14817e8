"""How much of the machine the engine may take: DuckDB's memory limit, threads and spill cap.

Every connection opens with these (runtime/engine/duck.py). Defaults fit a machine that also
runs Dagster and the PII scanner's workers: a quarter of the physical memory, every core, and
at most 4 GiB of spill, so a query that would fill the disk stops with an error instead.
Operators set them with environment variables (README, "Benchmarks"):

    PIPELINE_ENGINE_MEMORY   e.g. 8GiB      (DuckDB memory_limit)
    PIPELINE_ENGINE_THREADS  e.g. 4         (DuckDB threads)
    PIPELINE_ENGINE_SPILL    e.g. 20GiB     (DuckDB max_temp_directory_size)

The marts and release counts can run on Spark instead (README, "On Spark"; decisions D16):

    PIPELINE_ENGINE          duckdb (default) or spark
    PIPELINE_SPARK_MASTER    local[*] (default) or a cluster's master URL
    PIPELINE_SPARK_DATA      where the warehouse's Parquet copy lives (default: the data root's
                             spark/ folder); on a cluster, storage every executor can read
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MEMORY_ENV, THREADS_ENV, SPILL_ENV = (
    "PIPELINE_ENGINE_MEMORY", "PIPELINE_ENGINE_THREADS", "PIPELINE_ENGINE_SPILL"
)  # fmt: skip
ENGINE_ENV, MASTER_ENV, SPARK_DATA_ENV = (
    "PIPELINE_ENGINE", "PIPELINE_SPARK_MASTER", "PIPELINE_SPARK_DATA"
)  # fmt: skip
ENGINES = ("duckdb", "spark")
LOCAL_MASTER = "local[*]"
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


_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_UNITS |= {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def _mebibytes(size: str) -> int:
    number, unit = re.fullmatch(r"([\d.]+)\s*(\w+)", size).groups()  # type: ignore[union-attr]
    return max(1, int(float(number) * _UNITS[unit]) // 2**20)


@dataclass(frozen=True)
class SparkSettings:
    master: str
    driver_memory_mib: int
    cores: int

    @property
    def local(self) -> bool:
        return self.master.startswith("local")

    def conf(self) -> dict[str, str]:
        """Session settings. On one machine the driver does the work, so it gets the engine's
        memory and a few shuffle partitions per core; a cluster keeps its own spark-defaults."""
        conf = {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.session.timeZone": "UTC",  # timestamps are naive UTC, as in DuckDB
            # A union over checkpointed frames (INSERT INTO a temp table) trips the optimizer's
            # constraint rewrite in Spark 4.3 ("key not found"); the marts' loop needs it.
            "spark.sql.constraintPropagation.enabled": "false",
        }
        if self.local:
            conf["spark.driver.memory"] = f"{self.driver_memory_mib}m"
            conf["spark.sql.shuffle.partitions"] = str(2 * self.cores)
        return conf


@dataclass(frozen=True)
class EngineChoice:
    """Which engine builds the marts and counts the releases, from the environment."""

    kind: str  # duckdb or spark
    spark_master: str
    spark_data: str  # empty: the data root's spark/ folder

    @property
    def spark(self) -> bool:
        return self.kind == "spark"

    def spark_folder(self, root: Path) -> Path:
        return Path(self.spark_data) if self.spark_data else root / "spark"

    def spark_settings(self) -> SparkSettings:
        limits = engine_limits()
        return SparkSettings(
            self.spark_master, _mebibytes(limits["memory_limit"]), limits["threads"]
        )


def engine_choice(env: Mapping[str, str] | None = None) -> EngineChoice:
    env = os.environ if env is None else env
    kind = (env.get(ENGINE_ENV) or ENGINES[0]).strip().lower()
    if kind not in ENGINES:
        raise EngineSettingError(f"{ENGINE_ENV} must be one of {', '.join(ENGINES)}")
    master = (env.get(MASTER_ENV) or LOCAL_MASTER).strip()
    return EngineChoice(kind, master, (env.get(SPARK_DATA_ENV) or "").strip())
