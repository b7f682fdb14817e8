"""A partner's segment-count release over 1,000,000 members: veil against PipelineDP.

    .venv/bin/python bench/releases.py [--members 1000000] [--repeats 3]

1. Builds (once, cached under bench/results/releases/) a warehouse by running veil's own main
   job on generated sample data with --members members.
2. veil: the five shipped segments of demo_partner as one release (segment_counts.csv only),
   epsilon 1 split over the 5 queries, each member at most once per segment; timed end to end
   (segment SQL on the warehouse, OpenDP noise, files, manifest, report, ledger, rename), each
   repeat on a fresh ledger so every repeat is a fresh draw.
3. PipelineDP 0.3.1, in its own virtual environment (bench/pipelinedp_env.sh), on the same
   memberships exported to Parquet: PRIVACY_ID_COUNT over the same public segments, Laplace,
   total epsilon 1, max_partitions_contributed 5, max_contributions_per_partition 1. Its time
   excludes computing the memberships (veil's includes it).
4. The same counting on both sides from the same membership file: veil's bounded count SQL and
   OpenDP noise on the Parquet pairs, against PipelineDP on them.
Prints wall times, mean absolute errors against the exact counts, and the ratios. PipelineDP's
end-to-end time is the DuckDB time to compute the memberships plus its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from runtime.config.releases import ConsumerConfig, ConsumerKind, load_releases
from runtime.releases.delivery import deliver
from runtime.releases.draft import draft
from runtime.releases.ledger import Ledger
from transforms.person.eligibility import Purpose
from transforms.releases.catalog import Period
from transforms.releases.noise import noisy_counts
from transforms.releases.plan import partner_plan
from transforms.releases.queries import Dimension, Query, bounded_counts_sql
from transforms.releases.segments import memberships_sql

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
EPSILON = 1.0
WIDTHS = (10, 5)


def warehouse(work: Path, members: int) -> Path:
    data = work / "data"
    if not (data / "warehouse.duckdb").exists():
        print(f"building the warehouse: veil's main job on {members:,} generated members ...")
        env = {**os.environ, "PIPELINE_DATA": str(data)}
        cmd = [sys.executable, "-m", "pipelines.cli", "run", "--members", str(members)]
        subprocess.run(cmd, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    return data / "warehouse.duckdb"


def newest_day(conn: duckdb.DuckDBPyConnection) -> dt.date:
    return conn.execute("SELECT max(event_date) FROM visits").fetchall()[0][0]


def run_veil(conn: duckdb.DuckDBPyConnection, repeats: int) -> tuple[list[float], list[dict]]:
    config = load_releases()
    names = config.consumers["demo_partner"].segments
    segments = tuple(config.segment(n, WIDTHS) for n in names)
    last = newest_day(conn)
    plan = partner_plan("bench", segments, Period(last.replace(day=1), last),
                        config.domains(WIDTHS), None)  # fmt: skip
    consumer = ConsumerConfig(
        kind=ConsumerKind.PARTNER, k=50, monthly_epsilon=20.0, release_epsilon=EPSILON,
        segments=tuple(names),
    )  # fmt: skip
    seconds, counts = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            start = time.perf_counter()
            draft(
                conn,
                Ledger(root),
                "bench",
                consumer,
                plan,
                root / "staging" / "bench" / "run",
                dt.datetime.now(),
            )
            out = deliver(Ledger(root), root / "staging" / "bench" / "run")
            seconds.append(time.perf_counter() - start)
            lines = (out.folder / "segment_counts.csv").read_text().splitlines()[1:]
            counts.append({s: int(v) for s, v in (line.split(",") for line in lines)})
    return seconds, counts


def export_memberships(
    conn: duckdb.DuckDBPyConnection, path: Path
) -> tuple[list[str], dict, float]:
    """The five segments' memberships (what PipelineDP reads), the exact sizes, and how long
    DuckDB took to compute and write them."""
    config = load_releases()
    names = list(config.consumers["demo_partner"].segments)
    segments = tuple(config.segment(n, WIDTHS) for n in names)
    sql = memberships_sql(segments, Purpose.ADS, newest_day(conn), WIDTHS)
    start = time.perf_counter()
    conn.execute(f"COPY (SELECT member_pseudonym AS member, segment_id FROM ({sql})) TO "
                 f"'{path}' (FORMAT parquet)")  # fmt: skip
    seconds = time.perf_counter() - start
    exact = dict(conn.execute(f"SELECT segment_id, count(DISTINCT member_pseudonym) FROM ({sql}) "
                              "GROUP BY 1").fetchall())  # fmt: skip
    return names, exact, seconds


def count_veil(pairs: Path, names: list[str], repeats: int) -> tuple[list[float], list[dict]]:
    """veil's own bounded counting and OpenDP noise on the membership file PipelineDP reads."""
    q = Query("audience_size", {}, (Dimension("segment_id", tuple(names)),),
              f"SELECT member AS member_pseudonym, segment_id FROM read_parquet('{pairs}')",
              distinct=True, max_rows_per_member=len(names))  # fmt: skip
    conn = duckdb.connect()
    seconds, counts = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        cells, true = zip(*conn.execute(bounded_counts_sql(q)).fetchall(), strict=True)
        noisy = noisy_counts(list(true), q.sensitivity, EPSILON)
        seconds.append(time.perf_counter() - start)
        counts.append(dict(zip(cells, noisy, strict=True)))
    return seconds, counts


def run_pipelinedp(pairs: Path, names: list[str], repeats: int, out: Path) -> dict:
    subprocess.run(["bash", str(BENCH / "pipelinedp_env.sh")], check=True)
    python = BENCH / ".venv-pipelinedp" / "bin" / "python"
    subprocess.run(
        [str(python), str(BENCH / "pipelinedp_segments.py"), "--input", str(pairs),
         "--segments", ",".join(names), "--epsilon", str(EPSILON),
         "--max-partitions", str(len(names)), "--repeats", str(repeats), "--out", str(out)],
        check=True,
    )  # fmt: skip
    return json.loads(out.read_text())


def mae(draws: list[dict], exact: dict) -> float:
    return statistics.fmean(abs(d[s] - exact[s]) for d in draws for s in exact if s in d)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=50, help="PipelineDP runs")
    parser.add_argument("--veil-repeats", type=int, default=50)
    parser.add_argument("--work", type=Path, default=BENCH / "results" / "releases")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(warehouse(args.work, args.members)), read_only=True)
    members = conn.execute("SELECT count(*) FROM members").fetchall()[0][0]
    pairs = args.work / "memberships.parquet"
    names, exact, segment_sql_s = export_memberships(conn, pairs)
    veil_s, veil_counts = run_veil(conn, args.veil_repeats)
    conn.close()
    count_s, count_counts = count_veil(pairs, names, args.veil_repeats * 10)
    pdp = run_pipelinedp(args.work / "memberships.parquet", names, args.repeats,
                         args.work / "pipelinedp.json")  # fmt: skip
    pdp_counts = [{s: round(v) for s, v in c.items()} for c in pdp["counts"]]
    veil_t, pdp_t = statistics.median(veil_s), statistics.median(pdp["seconds"])
    count_t = statistics.median(count_s)
    veil_e, count_e, pdp_e = (mae(veil_counts, exact), mae(count_counts, exact),
                              mae(pdp_counts, exact))  # fmt: skip
    print(f"\n{members:,} members, {len(names)} segments ({sum(exact.values()):,} memberships), "
          f"epsilon {EPSILON}, each member at most once per segment")  # fmt: skip
    print(f"exact audience sizes: {exact}")
    print("end to end (from the warehouse):")
    print(
        f"  veil release            median {veil_t:6.2f} s over {len(veil_s)} releases, MAE {veil_e:5.2f}"
    )
    print(
        f"  DuckDB segments + PipelineDP    {segment_sql_s + pdp_t:6.2f} s "
        f"({segment_sql_s:.2f} + median {pdp_t:.2f} over {len(pdp['seconds'])} runs), MAE {pdp_e:5.2f}"
    )
    print(f"  wall time ratio (PipelineDP / veil): {(segment_sql_s + pdp_t) / veil_t:.2f}")
    print("counting and noise only (the same membership Parquet file):")
    print(
        f"  veil (DuckDB + OpenDP)  median {count_t:6.3f} s over {len(count_s)} runs, MAE {count_e:5.2f}"
    )
    print(f"  PipelineDP              median {pdp_t:6.3f} s")
    print(f"  wall time ratio (PipelineDP / veil): {pdp_t / count_t:.1f}")
    print(
        f"MAE ratio (veil / PipelineDP): {count_e / pdp_e:.2f} counting only, "
        f"{veil_e / pdp_e:.2f} end to end (both add noise of scale {len(names) / EPSILON:g} per "
        "count; the expected MAE is about 5)"
    )


if __name__ == "__main__":
    main()
