"""`python -m bench scale --size tiny|small|large`: generate (once per size), run the main job as
`make run` does, and the floor; print per-step figures and ratios, keep them as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.scale.generate import generate
from bench.scale.monitor import Measured, run_measured
from bench.scale.report import print_report
from bench.scale.sizes import SIZES, Size
from bench.scale.steps import read_steps, step_rows
from runtime.config.policy import DEFAULT_POLICY_PATH, load_policy

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "bench" / "results"
BENCH_KEY = "bench-key-" + "0" * 40  # synthetic data only
GENERATED = ".generated"  # marker: which size and end date raw/ holds


def default_root(size: Size) -> Path:
    return Path(tempfile.gettempdir()) / f"veil-bench-{size.name}"


def prepare_raw(root: Path, size: Size, end: dt.date) -> float:
    """Generate raw/ unless it already holds this size ending `end`; seconds spent."""
    marker = root / GENERATED
    want = f"{size.name} {end}"
    if marker.exists() and marker.read_text() == want:
        return 0.0
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, mode=0o700)
    t0 = time.perf_counter()
    generate(root, size, end)
    marker.write_text(want)
    return time.perf_counter() - t0


def clear_outputs(root: Path) -> None:
    """A full build: everything but the raw data and its marker goes."""
    for entry in root.iterdir():
        if entry.name in ("raw", GENERATED, "bench-logs"):
            continue
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def env_for(root: Path, engine: str = "duckdb") -> dict[str, str]:
    env = dict(os.environ, PIPELINE_DATA=str(root), PIPELINE_PSEUDONYM_KEY=BENCH_KEY)
    env["PIPELINE_ENGINE"] = engine
    env["PYTHONPATH"] = str(REPO)
    return env


def run_pipeline(root: Path, logs: Path, engine: str) -> tuple[Measured, list[dict[str, object]]]:
    clear_outputs(root)
    command = [sys.executable, "-m", "pipelines.cli", "run"]
    measured = run_measured(command, env_for(root, engine), root / "scratch", logs / "pipeline.log")
    steps = step_rows(read_steps(root, measured.started), measured.timeline)
    return measured, steps


def run_floor(root: Path, engine: str, run_date: dt.date, k: int, logs: Path) -> Measured:
    command = [sys.executable, "-m", "bench.scale.floor", str(root), str(run_date), str(k), engine]
    return run_measured(command, env_for(root), root / "floor-spill", logs / f"floor-{engine}.log")


def figures(m: Measured, log: Path | None = None) -> dict[str, object]:
    rss, scratch, spill = m.timeline.peak()
    out: dict[str, object] = {
        "wall_s": round(m.wall_s, 2),
        "peak_rss_bytes": rss,
        "scratch_bytes": scratch,
        "spill_bytes": spill,
        "ok": m.returncode == 0,
    }
    if log is not None and m.returncode == 0:  # the floor's last line: its rows per mart
        out["rows"] = json.loads(log.read_text().strip().splitlines()[-1])["rows"]
    return out


def save_result(result: dict[str, object], name: str, results: Path | None = None) -> Path:
    """The run's figures as `<name>-<UTC time>.json` in bench/results (or `results`)."""
    folder = results or RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=1))
    return out


def scale(
    size_name: str,
    root: Path | None,
    pandas: bool | None,
    results: Path | None = None,
    engine: str = "duckdb",
) -> int:
    os.umask(0o077)
    size = SIZES[size_name]
    root = root or default_root(size)
    run_date = dt.datetime.now(dt.UTC).date()
    generated_s = prepare_raw(root, size, run_date - dt.timedelta(days=1))
    logs = root / "bench-logs"
    logs.mkdir(exist_ok=True)
    k = load_policy(DEFAULT_POLICY_PATH).marts.k
    pipeline, steps = run_pipeline(root, logs, engine)
    result: dict[str, object] = {
        "size": size.__dict__, "engine": engine, "run_date": str(run_date),
        "generated_s": round(generated_s, 1),
        "machine": {"cpus": os.cpu_count()}, "pipeline": figures(pipeline), "steps": steps,
        "floor_duckdb": figures(run_floor(root, "duckdb", run_date, k, logs), logs / "floor-duckdb.log"),
    }  # fmt: skip
    if pandas if pandas is not None else size.name != "large":
        result["floor_pandas"] = figures(
            run_floor(root, "pandas", run_date, k, logs), logs / "floor-pandas.log"
        )
    out = save_result(result, f"scale-{size.name}{'-spark' if engine == 'spark' else ''}", results)
    print_report(result, logs)
    print(f"\nresults: {out}")
    return 0 if pipeline.returncode == 0 else 1
