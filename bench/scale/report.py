"""The scale benchmark's figures as a table: per step, per stage, and ratios to the floor."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

GIB = 1024**3


def _gib(n: int) -> str:
    return f"{n / GIB:6.2f}"


def stage_totals(steps: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in steps:
        t = totals[s["stage"]]
        t["wall_s"] += s["wall_s"]
        t["rows"] += s["rows"]
        t["peak_rss_bytes"] = max(t["peak_rss_bytes"], s["peak_rss_bytes"])
        t["spill_bytes"] = max(t["spill_bytes"], s["spill_bytes"])
        t["scratch_bytes"] = max(t["scratch_bytes"], s.get("scratch_bytes", 0))
    return totals


def print_report(result: dict[str, Any], logs: Path) -> None:
    size, pipe = result["size"], result["pipeline"]
    print(f"\nsize {size['name']}: {size['members']:,} members, {size['visits']:,} visits, "
          f"{size['ad_events']:,} ad events, {size['comments']:,} survey responses, {size['days']} days")  # fmt: skip
    print(
        f"{'step':<34} {'stage':<10} {'rows':>12} {'wall s':>8} {'rows/s':>10} {'RSS GiB':>8} {'spill GiB':>9} {'scratch':>8}"
    )
    for s in result["steps"]:
        flag = "" if s["ok"] else "  FAILED"
        print(f"{s['step'][:34]:<34} {s['stage']:<10} {s['rows']:>12,} {s['wall_s']:>8.1f} "
              f"{s['rows_per_s']:>10,} {_gib(s['peak_rss_bytes']):>8} {_gib(s['spill_bytes']):>9} {_gib(s.get('scratch_bytes', 0)):>8}{flag}")  # fmt: skip
    print("\nstage totals (steps run one after another)")
    totals = stage_totals(result["steps"])
    for stage, t in totals.items():
        print(
            f"  {stage:<10} {t['wall_s']:>8.1f} s  peak {_gib(int(t['peak_rss_bytes']))} GiB  spill {_gib(int(t['spill_bytes']))} GiB  scratch {_gib(int(t['scratch_bytes']))} GiB"
        )
    print(f"\nmain job (process, start to end): {pipe['wall_s']:.1f} s, peak RSS {_gib(pipe['peak_rss_bytes'])} GiB "
          f"(process tree), spill {_gib(pipe['spill_bytes'])} GiB, scratch {_gib(pipe.get('scratch_bytes', 0))} GiB, {'ok' if pipe['ok'] else 'FAILED (see ' + str(logs / 'pipeline.log') + ')'}")  # fmt: skip
    for name in ("floor_duckdb", "floor_pandas"):
        if name in result:
            f = result[name]
            marts = totals.get("marts", {}).get("wall_s", 0.0)
            print(f"{name}: {f['wall_s']:.1f} s, peak {_gib(f['peak_rss_bytes'])} GiB; main job / floor "
                  f"{pipe['wall_s'] / f['wall_s']:.1f}x, marts stage / floor {marts / f['wall_s']:.2f}x")  # fmt: skip
