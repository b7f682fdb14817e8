"""PipelineDP half of the segment-count benchmark.

Standalone: run it with the isolated venv made by bench/pipelinedp_env.sh,
never with the project's .venv (PipelineDP is not a veil dependency):

    bash bench/pipelinedp_env.sh
    bench/.venv-pipelinedp/bin/python bench/pipelinedp_segments.py \
        --input pairs.parquet --segments a,b,c --epsilon 1.0 \
        --max-partitions 5 --out result.json [--repeats N] [--check-error]

    # synthetic input (members in 0..5 segments, some duplicated rows):
    bench/.venv-pipelinedp/bin/python bench/pipelinedp_segments.py \
        --generate pairs.parquet --members 1000000 --n-segments 5

Input Parquet: columns ``member`` (privacy id, string) and ``segment_id``
(string), one row per (member, segment) membership; rows need not be
deduplicated.

Computes the DP count of DISTINCT members per segment with PipelineDP
(Metrics.PRIVACY_ID_COUNT) over PUBLIC partitions (the --segments list),
Laplace noise, NaiveBudgetAccountant(total_epsilon=eps, total_delta=0),
max_partitions_contributed=L, max_contributions_per_partition=1.

PipelineDP 0.3.1 facts this relies on (read from its source):
  * PRIVACY_ID_COUNT sensitivities are l0=max_partitions_contributed, linf=1
    (dp_computations.compute_sensitivities_for_privacy_id_count), so
    L1 = L and the Laplace scale is b = L / eps.  max_contributions_per_partition
    does not enter the sensitivity (a member counts at most once per segment),
    but AggregateParams still requires it to be set together with
    max_partitions_contributed.
  * Cross-partition bounding (SamplingCrossPartitionContributionBounder) groups
    rows by member, groups them per segment (so duplicate rows collapse), and
    keeps a uniformly random sample of at most L segments per member.  With
    public partitions, rows of non-public segments are dropped BEFORE that
    sampling, and empty public segments are still emitted (with noise).
  * LocalBackend is lazy: budget_accountant.compute_budgets() must be called
    after dp_engine.aggregate() and before the result is iterated.
  * 0.3.1 ships LocalBackend (pure Python, single process), BeamBackend and
    SparkRDDBackend; the latter two need apache-beam / pyspark+JVM and add
    runner overhead, so LocalBackend is the fastest pure-local option here.

Timing: each repeat re-reads the Parquet file (``read``: pyarrow read +
conversion to the Python row tuples PipelineDP's LocalBackend consumes) and
runs a fresh DPEngine/accountant (``dp``: new noise every repeat).
``seconds[i] = read_i + dp_i``.  Exact counts (for --check-error) are computed
outside the timed region.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time


def read_rows(path: str) -> list[tuple[str, str]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=["member", "segment_id"])
    members = table.column("member").to_pylist()
    segments = table.column("segment_id").to_pylist()
    return list(zip(members, segments, strict=True))


def dp_distinct_counts(
    rows, segments: list[str], epsilon: float, max_partitions: int
) -> dict[str, float]:
    import pipeline_dp

    accountant = pipeline_dp.NaiveBudgetAccountant(total_epsilon=epsilon, total_delta=0)
    engine = pipeline_dp.DPEngine(accountant, pipeline_dp.LocalBackend())
    params = pipeline_dp.AggregateParams(
        metrics=[pipeline_dp.Metrics.PRIVACY_ID_COUNT],
        noise_kind=pipeline_dp.NoiseKind.LAPLACE,
        max_partitions_contributed=max_partitions,
        max_contributions_per_partition=1,
    )
    extractors = pipeline_dp.DataExtractors(
        privacy_id_extractor=lambda row: row[0],
        partition_extractor=lambda row: row[1],
        value_extractor=lambda row: None,
    )
    result = engine.aggregate(rows, params, extractors, public_partitions=list(segments))
    accountant.compute_budgets()  # must precede materialisation (lazy)
    out = {seg: float(metrics.privacy_id_count) for seg, metrics in result}
    missing = set(segments) - set(out)
    if missing:  # cannot happen with public partitions; guard anyway
        raise RuntimeError(f"PipelineDP returned no result for {missing}")
    return out


def exact_distinct_counts(rows, segments: list[str]) -> dict[str, int]:
    wanted = set(segments)
    members: dict[str, set] = {s: set() for s in segments}
    for member, seg in rows:
        if seg in wanted:
            members[seg].add(member)
    return {s: len(m) for s, m in members.items()}


def generate(
    path: str, n_members: int, n_segments: int, max_per_member: int, dup_fraction: float, seed: int
) -> None:
    """Synthetic pairs: each member in a uniform 0..max_per_member distinct
    segments (capped at n_segments); dup_fraction of rows are repeated."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    seg_names = np.array([f"seg{i}" for i in range(n_segments)])
    k = rng.integers(0, min(max_per_member, n_segments) + 1, size=n_members)
    # distinct segments per member: first k of a random permutation
    perms = np.argsort(rng.random((n_members, n_segments)), axis=1)
    mask = np.arange(n_segments)[None, :] < k[:, None]
    member_idx = np.nonzero(mask)[0]
    seg_idx = perms[mask]
    if dup_fraction > 0 and len(member_idx):
        dup = rng.random(len(member_idx)) < dup_fraction
        member_idx = np.concatenate([member_idx, member_idx[dup]])
        seg_idx = np.concatenate([seg_idx, seg_idx[dup]])
        order = rng.permutation(len(member_idx))
        member_idx, seg_idx = member_idx[order], seg_idx[order]
    members = np.char.add("m", member_idx.astype(str))
    table = pa.table(
        {
            "member": pa.array(members.tolist(), pa.string()),
            "segment_id": pa.array(seg_names[seg_idx].tolist(), pa.string()),
        }
    )
    pq.write_table(table, path)
    print(
        f"wrote {path}: {table.num_rows} rows, {n_members} members, "
        f"{n_segments} segments ({','.join(seg_names)})"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input")
    ap.add_argument("--segments", help="comma-separated public segment ids")
    ap.add_argument("--epsilon", type=float, default=1.0)
    ap.add_argument("--max-partitions", type=int, default=5)
    ap.add_argument("--out")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument(
        "--check-error",
        action="store_true",
        help="also compute exact counts (untimed) and report the "
        "mean absolute error vs the expected Laplace scale L/eps",
    )
    g = ap.add_argument_group("synthetic input generation")
    g.add_argument(
        "--generate", metavar="PATH", help="write a synthetic pairs Parquet to PATH and exit"
    )
    g.add_argument("--members", type=int, default=1_000_000)
    g.add_argument("--n-segments", type=int, default=5)
    g.add_argument("--max-per-member", type=int, default=5)
    g.add_argument("--dup-fraction", type=float, default=0.05)
    g.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    if args.generate:
        generate(
            args.generate,
            args.members,
            args.n_segments,
            args.max_per_member,
            args.dup_fraction,
            args.seed,
        )
        return 0
    if not (args.input and args.segments and args.out):
        ap.error("--input, --segments and --out are required")
    segments = [s for s in args.segments.split(",") if s]
    if len(set(segments)) != len(segments):
        ap.error("--segments has duplicates")
    if args.repeats < 1 or args.max_partitions < 1 or args.epsilon <= 0:
        ap.error("need --repeats >= 1, --max-partitions >= 1, --epsilon > 0")

    import pipeline_dp  # imported before timing: not part of the measurement

    seconds, read_each, dp_each, counts = [], [], [], []
    rows = None
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        rows = read_rows(args.input)
        t1 = time.perf_counter()
        noisy = dp_distinct_counts(rows, segments, args.epsilon, args.max_partitions)
        t2 = time.perf_counter()
        read_each.append(t1 - t0)
        dp_each.append(t2 - t1)
        seconds.append(t2 - t0)
        counts.append(noisy)

    scale = args.max_partitions / args.epsilon
    result = {
        "seconds": seconds,
        "read_seconds": statistics.mean(read_each),
        "read_seconds_each": read_each,
        "dp_seconds": dp_each,
        "counts": counts,
        "noise_kind": "laplace",
        "epsilon": args.epsilon,
        "max_partitions": args.max_partitions,
        "expected_laplace_scale": scale,
        "backend": "LocalBackend",
        "pipeline_dp_version": pipeline_dp.__version__,
        "n_rows": len(rows),
    }
    if args.check_error:
        exact = exact_distinct_counts(rows, segments)
        errs = [abs(c[s] - exact[s]) for c in counts for s in segments]
        result["exact_counts"] = exact
        result["mae"] = statistics.mean(errs)
        result["n_errors"] = len(errs)
        # Note: exact counts are before contribution bounding; if some member
        # is in more than L public segments, bounding bias adds to the error.
        result["members_over_L_possible"] = len(segments) > args.max_partitions
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)

    print(
        f"pipeline_dp {pipeline_dp.__version__} LocalBackend rows={len(rows)} "
        f"segments={len(segments)} eps={args.epsilon} L={args.max_partitions}"
    )
    print(
        f"seconds per repeat: min={min(seconds):.3f} "
        f"median={statistics.median(seconds):.3f} "
        f"(read median={statistics.median(read_each):.3f}, "
        f"dp median={statistics.median(dp_each):.3f})"
    )
    if args.check_error:
        print(
            f"MAE={result['mae']:.4f} over {len(errs)} noisy counts; "
            f"expected Laplace scale L/eps={scale:.4f} "
            f"(ratio {result['mae'] / scale:.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
