"""Peak memory of a process tree and bytes on disk under a folder, sampled while it runs."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

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


def folder_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                continue
    return total


@dataclass
class Timeline:
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (unix s, rss, spill)

    def peak(self, start: float = 0.0, end: float = float("inf")) -> tuple[int, int]:
        inside = [(r, s) for t, r, s in self.samples if start <= t <= end]
        return (max((r for r, _ in inside), default=0), max((s for _, s in inside), default=0))


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
                timeline.samples.append((time.time(), tree_rss(handle), folder_bytes(spill)))
                done.wait(INTERVAL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        rc = proc.wait()
        done.set()
        sampler.join()
    return Measured(time.time() - started, rc, timeline, started)
