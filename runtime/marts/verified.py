"""What a mart's checks verified, remembered for its publication.

The checks recount a staged mart from its contributions; publication used to recount every mart
again (at a real site's size, a third of the marts stage). Now a check that passes records the
fingerprint of what it verified: the staged rows, k and the label rules. Publication recounts
only a mart whose fingerprint differs or was never recorded (a build since, a mart changed in
staging, a publication run on its own); the egress gate still runs on every mart. A build
forgets its mart's record before it stages anything, and every erasure forgets them all with the
contributions they sit beside (runtime/marts/contributions.py)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from runtime import paths
from runtime.engine.duck import scalar
from runtime.engine.interface import Engine
from runtime.marts.verify import verify_mart
from runtime.verdicts import Verdict
from transforms.marts.spec import MartSpec


def verified_file(root: Path, spec: MartSpec) -> Path:
    return paths.contributions_dir(root) / f"{spec.name}.verified"


def fingerprint(conn: Engine, table: str, k: int, labels: Mapping[str, str]) -> str:
    """One digest of the mart's rows (as JSON, sorted: marts are thousands of rows) and of what
    they were checked under."""
    rows = scalar(
        conn,
        "SELECT md5(COALESCE(string_agg(j, chr(10) ORDER BY j), '')) "  # noqa: S608
        f"FROM (SELECT CAST(to_json(r) AS VARCHAR) AS j FROM {table} r)",
    )
    what = json.dumps([rows, k, sorted(labels.items())], ensure_ascii=True)
    return hashlib.sha256(what.encode()).hexdigest()


def remember(record: Path, verified: str) -> None:
    """The checks passed on the mart whose fingerprint is `verified`."""
    paths.private_dir(record.parent)
    pending = record.with_name(record.name + ".tmp")
    pending.write_text(verified, encoding="ascii")
    os.replace(pending, record)


def forget(record: Path) -> None:
    record.unlink(missing_ok=True)


def still_verified(record: Path, current: str) -> bool:
    """The mart is the one its checks passed: its recount would say the same."""
    try:
        return record.read_text(encoding="ascii") == current
    except (FileNotFoundError, UnicodeDecodeError):
        return False


def checked_verdicts(
    conn: Engine, spec: MartSpec, k: int, table: str, labels: Mapping[str, str], kept: Path,
    record: Path,
) -> list[Verdict]:  # fmt: skip
    """The mart's checks (verify_mart), remembered in `record` when every one passes."""
    current = fingerprint(conn, table, k, labels)
    verdicts = verify_mart(conn, spec, k, table, labels, kept)
    if all(v.passed for v in verdicts):
        remember(record, current)
    return verdicts


def publication_verdicts(
    conn: Engine, spec: MartSpec, k: int, table: str, labels: Mapping[str, str], kept: Path,
    record: Path,
) -> list[Verdict]:  # fmt: skip
    """The checks again, unless `record` says they passed on this very mart (then none)."""
    if still_verified(record, fingerprint(conn, table, k, labels)):
        return []
    return verify_mart(conn, spec, k, table, labels, kept)
