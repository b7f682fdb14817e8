"""The five verdicts a release folder must pass before it reaches the outbox (P1, P2, P5, P6).

Each reads the files as the consumer would receive them, not the numbers the drafter meant to
write, so a bug between the two is caught here.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from runtime.config.releases import ConsumerConfig
from runtime.engine.duck import scalar
from runtime.engine.interface import Engine
from runtime.gate import folder_gate
from runtime.releases.draft import draft_under_check, sha256
from runtime.releases.files import read_csv
from runtime.releases.ledger import Ledger
from runtime.verdicts import Verdict
from transforms.gate.egress import DIGEST_SHAPED
from transforms.gate.identifiers import identifier_named_columns
from transforms.pii.scanner import TextScanner
from transforms.releases.budget import Budget
from transforms.releases.manifest import MANIFEST, REPORT, file_checksums, missing_fields
from transforms.sql import ident

K_HOLDS = "k_holds_for_every_count"
BUDGET = "budget_not_exceeded"
MANIFEST_TRUE = "manifest_complete_and_checksums_true"
NO_IDENTIFIER_COLUMN = "no_identifier_column"
NO_PSEUDONYM = "no_pseudonym_shaped_value"

DESCRIPTIONS = {
    K_HOLDS: "Every count in every released file is at least the consumer's k (or empty).",
    BUDGET: "The consumer's epsilon spent this calendar month, with this release, is within its "
    "monthly budget.",
    MANIFEST_TRUE: "manifest.json has every field, lists exactly the files in the folder, and "
    "each file's sha256 and row count are true.",
    NO_IDENTIFIER_COLUMN: "No released column is named like an identifier (member, cookie, "
    "email, phone, name, IP, user agent, birth date, URL, free text, pseudonym).",
    NO_PSEUDONYM: "No released value looks like a pseudonym or a hex digest, and no member or "
    "cookie pseudonym of the warehouse appears anywhere in any released file.",
}

HEX_TOKEN = re.compile(r"[0-9a-fA-F]{32,}")
TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{22,}")
RELEASE_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")  # a time and a question's hash


def _csvs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.csv"))


def k_problems(folder: Path, manifest: dict[str, Any], k: int) -> list[str]:
    """Counts are the manifest's noisy columns and any column holding only whole numbers."""
    noisy = {c["file"]: set(c["noise"]) for c in manifest.get("counts", [])}
    problems = []
    for path in _csvs(folder):
        header, rows = read_csv(path)
        for i, col in enumerate(header):
            values = [r[i] for r in rows if r[i] != ""]
            numeric = bool(values) and all(v.lstrip("-").isdigit() for v in values)
            if col not in noisy.get(path.name, set()) and not numeric:
                continue
            low = [v for v in values if not v.lstrip("-").isdigit() or int(v) < k]
            if low:
                problems.append(f"{path.name}.{col}: {len(low)} counts below k={k}")
    return problems


def manifest_problems(folder: Path) -> list[str]:
    path = folder / MANIFEST
    if not path.exists():
        return ["no manifest.json"]
    manifest = json.loads(path.read_text(encoding="utf-8"))
    problems = [f"manifest has no {f}" for f in missing_fields(manifest)]
    listed = manifest.get("files", {})
    present = {p.name for p in folder.iterdir() if p.name != MANIFEST}
    if set(listed) != present:
        problems.append(f"manifest lists {sorted(listed)} but the folder holds {sorted(present)}")
    for name in sorted(set(listed) & present):
        if listed[name].get("sha256") != sha256(folder / name):
            problems.append(f"{name}: sha256 differs from the manifest")
        if name.endswith(".csv") and listed[name].get("rows") != len(read_csv(folder / name)[1]):
            problems.append(f"{name}: row count differs from the manifest")
    if REPORT not in present:
        problems.append("no report.html")
    return problems


def identifier_columns(folder: Path) -> list[str]:
    return [
        f"{p.name}.{c}" for p in _csvs(folder) for c in identifier_named_columns(read_csv(p)[0])
    ]


def _allowed_digests(folder: Path) -> set[str]:
    """The digests a manifest is meant to hold: its files' checksums and its query keys."""
    path = folder / MANIFEST
    if not path.exists():
        return set()
    manifest = json.loads(path.read_text("utf-8"))
    files = manifest.get("files", {})
    return {f.get("sha256", "") for f in files.values()} | {
        q.get("key", "") for q in manifest.get("question", [])
    }


def _pseudonyms_sql(warehouse: Engine) -> str:
    """Every pseudonym column of every warehouse table, lower-cased."""
    cols = warehouse.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'main' AND column_name LIKE '%pseudonym'"
    ).fetchall()
    selects = [f"SELECT lower({ident(c)}) FROM {ident(t)}" for t, c in cols]  # noqa: S608
    return " UNION ".join(selects) or "SELECT NULL"


def pseudonym_problems(folder: Path, warehouse: Engine) -> list[str]:
    """Digest-shaped values in any file (only the manifest's own checksums and keys allowed),
    and any warehouse pseudonym, in any case, anywhere in any file."""
    problems, hex_tokens = [], set()
    allowed = _allowed_digests(folder)
    for path in sorted(folder.iterdir()):
        text = path.read_text("utf-8")
        shaped = {
            t for t in TOKEN.findall(text) if DIGEST_SHAPED.match(t) and not RELEASE_ID.match(t)
        } - allowed
        if shaped:
            problems.append(f"{path.name}: {len(shaped)} values shaped like a digest")
        hex_tokens |= {t.lower() for t in HEX_TOKEN.findall(text)}
    if hex_tokens:
        hits = scalar(
            warehouse,
            "SELECT count(*) FROM unnest(?::VARCHAR[]) t(token) WHERE token IN "  # noqa: S608
            f"({_pseudonyms_sql(warehouse)})",
            [sorted(hex_tokens)],
        )
        if hits:
            problems.append(f"{hits} pseudonyms of the warehouse in the files")
    return problems


def verify_release(folder: Path, k: int, budget: Budget, warehouse: Engine) -> list[Verdict]:
    """`budget`: the consumer's month, what it spent before this release, what this requests."""
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    verdicts = {
        K_HOLDS: k_problems(folder, manifest, k),
        BUDGET: [
            f"spent {budget.spent_before:g} + this release {budget.requested:g} > monthly "
            f"{budget.monthly:g}"
        ]
        if budget.exceeded
        else [],
        MANIFEST_TRUE: manifest_problems(folder),
        NO_IDENTIFIER_COLUMN: [f"identifier-named: {identifier_columns(folder)}"]
        if identifier_columns(folder)
        else [],
        NO_PSEUDONYM: pseudonym_problems(folder, warehouse),
    }
    return [
        Verdict(check, not problems, "; ".join(problems) or DESCRIPTIONS[check], {})
        for check, problems in verdicts.items()
    ]


def check_draft(
    ledger: Ledger,
    staging: Path,
    consumer: ConsumerConfig,
    warehouse: Engine,
    scanner: TextScanner,
) -> list[Verdict]:
    """Every verdict on a run's draft (or, for a replay, on the stored release it re-delivers);
    a fresh draft that fails any is removed: never delivered, not kept either."""
    folder, budget, replay = draft_under_check(ledger, staging, consumer.monthly_epsilon)
    verdicts = verify_release(folder, consumer.k, budget, warehouse)
    verdicts.append(folder_gate(folder, scanner))
    if not replay and not all(v.passed for v in verdicts):
        shutil.rmtree(folder)
    return verdicts


def delivery_problems(ledger: Ledger, release_id: str, folder: Path) -> list[str]:
    """What differs between a delivered folder, its manifest and its ledger entry."""
    with ledger.open() as conn:
        recorded = conn.execute(
            "SELECT files FROM releases WHERE release_id = ? AND status = 'landed'",
            [release_id],
        ).fetchall()
    problems = manifest_problems(folder)
    if not recorded:
        return [*problems, "no landed ledger entry"]
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    if json.loads(recorded[0][0]) != file_checksums(manifest):
        problems.append("the ledger's checksums differ from the manifest's")
    return problems
