"""The scale benchmark at its tiny size (issue 14): it runs the real main job end to end and
the floor, and writes comparable figures. Timings are printed, never asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_tiny_scale_run_prints_figures_and_the_floors_agree(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "scale",
            "--size",
            "tiny",
            "--root",
            str(tmp_path / "root"),
            "--results",
            str(tmp_path / "results"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(done.stdout[-6000:])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (result_file,) = (tmp_path / "results").glob("scale-tiny-*.json")
    result = json.loads(result_file.read_text())
    steps = {s["step"]: s for s in result["steps"]}
    assert {"members_pseudonymized", "visits_pseudonymized", "site_traffic_daily"} <= set(steps)
    assert all(s["ok"] for s in steps.values()) and result["pipeline"]["ok"]
    assert steps["visits_pseudonymized"]["rows"] == result["size"]["visits"] // 3 * 3
    assert result["pipeline"]["peak_rss_bytes"] > 0
    # Two independent codings of the same six marts give the same number of cells.
    assert result["floor_duckdb"]["rows"] == result["floor_pandas"]["rows"]
    assert all(n > 0 for n in result["floor_duckdb"]["rows"].values())
    assert "main job / floor" in done.stdout
