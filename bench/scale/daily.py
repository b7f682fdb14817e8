"""`python -m bench daily --history 14|60`: the cost of one daily run after `history` days.

Generates history + 1 days at a fixed volume per day, builds the first `history` days with the
main job, then times the daily job on the last day step by step. With `--verify`, a second root
is built by the main job over every day and its warehouse and marts must equal the daily run's."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from bench.scale.generate import generate
from bench.scale.monitor import Measured, run_measured
from bench.scale.report import print_report
from bench.scale.run import GENERATED, env_for, figures, save_result
from bench.scale.sizes import Size
from bench.scale.steps import read_steps, step_rows
from bench.scale.tables import differing_tables

VISITS_PER_DAY = 300_000  # a tenth of `large`'s day: 60 days of history stay minutes to build


def day_size(history: int, members: int, visits_per_day: int) -> Size:
    days = history + 1
    per_day = visits_per_day * days
    return Size(f"daily-{history}", members, per_day, per_day // 5, per_day // 100,
                per_day // 100, days=days)  # fmt: skip


def job(root: Path, logs: Path, name: str, *days: dt.date) -> Measured:
    command = [sys.executable, "-m", "bench.scale.jobs", str(root), name, *map(str, days)]
    return run_measured(command, env_for(root), root / "scratch", logs / f"{name}.log")


def fresh_root(root: Path, size: Size, end: dt.date) -> None:
    marker = root / GENERATED
    if marker.exists() and marker.read_text() == f"{size.name} {end}":
        for entry in root.iterdir():  # keep raw/: a run starts from no warehouse
            if entry.name not in ("raw", GENERATED):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        return
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, mode=0o700)
    generate(root, size, end)
    marker.write_text(f"{size.name} {end}")


def daily(history: int, members: int, visits_per_day: int, verify: bool, root: Path) -> int:
    os.umask(0o077)
    size = day_size(history, members, visits_per_day)
    last = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=history)
    fresh_root(root, size, last)
    logs = root / "bench-logs"
    logs.mkdir()
    built = job(root, logs, "main", first, last - dt.timedelta(days=1))
    if built.returncode != 0:
        print(f"history build failed: {logs / 'main.log'}")
        return 1
    day = job(root, logs, "daily", last)
    result: dict[str, object] = {
        "size": size.__dict__, "history_days": history, "day": str(last),
        "history_build": figures(built), "pipeline": figures(day),
        "steps": step_rows(read_steps(root, day.started), day.timeline),
    }  # fmt: skip
    if verify and day.returncode == 0:
        result["equal_to_full_rebuild"] = full_rebuild_equal(root, size, first, last)
    out = save_result(result, f"daily-{history}")
    print_report(result, logs)
    print(f"history build ({history} days): {built.wall_s:.1f} s; daily run: {day.wall_s:.1f} s")
    if "equal_to_full_rebuild" in result:
        print(f"equal to a full rebuild: {result['equal_to_full_rebuild']}")
    print(f"results: {out}")
    return 0 if day.returncode == 0 else 1


def full_rebuild_equal(root: Path, size: Size, first: dt.date, last: dt.date) -> object:
    """The main job over every day in a second root on the same raw/: differing tables."""
    other = root.with_name(root.name + "-full")
    shutil.rmtree(other, ignore_errors=True)
    other.mkdir(mode=0o700)
    shutil.copytree(root / "raw", other / "raw", copy_function=os.link)
    (other / "bench-logs").mkdir()
    if job(other, other / "bench-logs", "main", first, last).returncode != 0:
        return "full rebuild failed"
    return differing_tables(root, other) or True
