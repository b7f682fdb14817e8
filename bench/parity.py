"""Same outputs before and after a change that should not change behaviour (issue 13's move).

Runs `python -m pipelines.cli run` in-process on the default sample (fixed seed, fixed key) in a
fresh data root, with the release noise replaced by zero so the stored release answers are the
true (bounded) counts, then writes one digest per warehouse table, mart, quarantine file and
ledger answer. Run it on both revisions and compare:

    .venv/bin/python bench/parity.py dump /tmp/before.json      # on the old revision
    .venv/bin/python bench/parity.py dump /tmp/after.json       # on the new one
    .venv/bin/python bench/parity.py compare /tmp/before.json /tmp/after.json

Two dumps of the same revision compare equal (checked in the same session).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import duckdb

TIME_STAMPED = ("release_id", "created_at", "files")  # the time of the run, and checksums of it
KEY = "5e" * 32  # fixed, so pseudonyms are the same in both runs
LEDGER_QUERIES = {
    "answers": "SELECT consumer, query_key, label, question, epsilon, sensitivity, scale, ci95,"
    " erased_members FROM answers",
    "answer_cells": "SELECT consumer, query_key, erased_members, cell, value FROM answer_cells",
    "releases": "SELECT consumer, kind, status, question_key, question, period_first,"
    " period_last, budget_month, epsilon, delta, k, row_count, erased_members FROM releases",
}


def without_noise() -> None:
    """Every module that holds OpenDP's `noisy_counts` gets the identity instead."""
    import pipelines.definitions  # noqa: F401  (imports every module that draws noise)

    def zero_noise(counts: list[int], *_: object, **__: object) -> list[int]:
        return list(counts)

    patched = 0
    for name, module in list(sys.modules.items()):
        ours = name.split(".")[0] in {"pipelines", "runtime", "transforms"}
        if ours and callable(getattr(module, "noisy_counts", None)):
            module.noisy_counts = zero_noise  # type: ignore[attr-defined]
            patched += 1
    if not patched:
        raise SystemExit("no noisy_counts found to replace: the digest would hold noise")


def digest(conn: duckdb.DuckDBPyConnection, query: str, root: str = "") -> dict[str, Any]:
    """Row count and sha256 of the sorted rows; `root` (a temporary path) is written <root>."""
    rows = sorted(repr(r) for r in conn.execute(query).fetchall())
    if root:
        rows = sorted(r.replace(root, "<root>") for r in rows)
    h = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return {"rows": len(rows), "sha256": h}


def database_digests(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    conn = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {n: digest(conn, f'SELECT * FROM "{n}"') for n in sorted(names)}
    finally:
        conn.close()


def dump(out: Path) -> None:
    root = Path(tempfile.mkdtemp(prefix="veil-parity-"))
    os.environ.update(PIPELINE_DATA=str(root), PIPELINE_PSEUDONYM_KEY=KEY)
    os.environ.pop("PIPELINE_ENV", None)
    without_noise()
    from pipelines import cli

    rc = cli.main(["run", "--sample-data"])
    write_digests(root, rc, out)


def outbox_digests(root: Path) -> dict[str, Any]:
    """Each delivered file's rows, and each manifest but for its time-stamped fields."""
    found: dict[str, Any] = {}
    for folder in sorted((root / "outbox").glob("*/*")):
        consumer = folder.parent.name
        for csv in sorted(folder.glob("*.csv")):
            lines = sorted(csv.read_text(encoding="utf-8").splitlines())
            digest_ = hashlib.sha256("\n".join(lines).encode()).hexdigest()
            found[f"{consumer}/{csv.name}"] = {"rows": len(lines) - 1, "sha256": digest_}
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        kept = {k: v for k, v in manifest.items() if k not in TIME_STAMPED}
        text = json.dumps(kept, sort_keys=False)  # key order is part of the schema
        found[f"{consumer}/manifest.json"] = {"sha256": hashlib.sha256(text.encode()).hexdigest()}
    return found


def write_digests(root: Path, rc: int, out: Path) -> None:
    result: dict[str, Any] = {"exit_code": rc}
    result["warehouse"] = database_digests(root / "warehouse.duckdb")
    result["marts"] = database_digests(root / "marts.duckdb")
    ledger = duckdb.connect(str(root / "ledger.duckdb"), read_only=True)
    result["ledger"] = {name: digest(ledger, q) for name, q in LEDGER_QUERIES.items()}
    quarantine = root / "quarantine"
    result["quarantine"] = {  # rows name their raw file by its path under the temporary root
        str(p.relative_to(quarantine)): digest(
            ledger, f"SELECT * FROM read_parquet('{p}')", str(root)
        )
        for p in sorted(quarantine.rglob("*.parquet"))
    }
    ledger.close()
    result["outbox"] = outbox_digests(root)
    out.write_text(json.dumps(result, indent=1, sort_keys=True))
    print(
        f"{out}: exit {rc}, {sum(len(v) for v in result.values() if isinstance(v, dict))} digests"
    )


def compare(before: Path, after: Path) -> int:
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    differences = 0
    for part in sorted(set(a) | set(b)):
        left, right = a.get(part), b.get(part)
        if not isinstance(left, dict) or not isinstance(right, dict):
            if left != right:
                print(f"{part}: {left} != {right}")
                differences += 1
            continue
        for name in sorted(set(left) | set(right)):
            if left.get(name) != right.get(name):
                print(f"{part}.{name}: {left.get(name)} != {right.get(name)}")
                differences += 1
    total = sum(len(v) for v in a.values() if isinstance(v, dict))
    print(f"{total} digests compared, {differences} different")
    return 1 if differences else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump").add_argument("out", type=Path)
    again = sub.add_parser("digest", help="digest a data root a dump left (its path is printed)")
    again.add_argument("root", type=Path)
    again.add_argument("out", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out)
        return 0
    if args.command == "digest":
        write_digests(args.root, 0, args.out)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
