"""Peak memory of a process tree and bytes on disk under a folder, sampled while it runs.

Bytes under the folder are counted twice: all of them (scratch: spill, CSV exports read as
Parquet, the warehouse copy an erasure writes) and only the engines' own spill (DuckDB's
`spill/` folders, Spark's `blockmgr-*`), which is what the spill cap bounds."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from runtime.engine.duck import SPILL

INTERVAL = 0.25  # seconds between samples


def tree_rss(root: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants (DuckDB, Presidio workers, Java)."""
    total = 0
    try:
        for p in [root, *root.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
    except psutil.Error:
        pass
    return total


def _is_spill(relative: str) -> bool:
    return any(part == SPILL or part.startswith("blockmgr-") for part in Path(relative).parts)


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(all bytes, engine spill bytes) of the files under `folder`."""
    total = spill = 0
    for dirpath, _, files in os.walk(folder):
        spilled = _is_spill(os.path.relpath(dirpath, folder))
        for f in files:
            try:
                size = os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                continue
            total += size
            spill += size if spilled else 0
    return total, spill


@dataclass
class Timeline:
    # (unix s, rss, scratch, spill)
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)

    def peak(self, start: float = 0.0, end: float = float("inf")) -> tuple[int, int, int]:
        """Peak (rss, scratch, spill) between `start` and `end`."""
        inside = [sample[1:] for sample in self.samples if start <= sample[0] <= end]
        return tuple(max((v[i] for v in inside), default=0) for i in range(3))  # type: ignore[return-value]


@dataclass(frozen=True)
class Measured:
    wall_s: float
    returncode: int
    timeline: Timeline
    started: float


def run_measured(command: list[str], env: dict[str, str], spill: Path, log: Path) -> Measured:
    """Run `command`, its output to `log`, sampling tree RSS and the bytes under `spill`."""
    timeline = Timeline()
    started = time.time()
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        handle = psutil.Process(proc.pid)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                timeline.samples.append((time.time(), tree_rss(handle), *folder_bytes(spill)))
                done.wait(INTERVAL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        rc = proc.wait()
        done.set()
        sampler.join()
    return Measured(time.time() - started, rc, timeline, started)
