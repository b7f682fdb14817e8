"""Where things live under the data root (CONTRACT.md, Outputs)."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ROOT_ENV = "PIPELINE_DATA"
KEY_ENV = "PIPELINE_PSEUDONYM_KEY"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PUBLISHED_FILE = 0o444  # analysts read it; nobody writes it in place
DELIVERED_FILE = 0o400  # a release file: fixed once delivered, fetched by the pipeline's user
DATA_ROOT_MODE = 0o711  # others may open marts.duckdb by name; everything else inside is private


def data_root() -> Path:
    return Path(os.environ.get(DATA_ROOT_ENV) or "data").resolve()


def raw_dir(root: Path) -> Path:
    return root / "raw"


def quarantine_dir(root: Path) -> Path:
    return root / "quarantine"


def warehouse_path(root: Path) -> Path:
    return root / "warehouse.duckdb"


def marts_path(root: Path) -> Path:
    """What analysts open (aggregates only, read-only)."""
    return root / "marts.duckdb"


def marts_staging_path(root: Path) -> Path:
    """Where marts are built and checked before publication (pipeline only)."""
    return root / "marts_staging.duckdb"


def contributions_dir(root: Path) -> Path:
    """Each mart's contributions (one pseudonymous row per person and cell) from its last build,
    which its checks and the publication recount instead of reading the warehouse again
    (pipeline only; removed by every erasure, P4)."""
    return root / "marts_contributions"


def outbox_dir(root: Path) -> Path:
    """outbox/<consumer>/<release_id>/: what each partner or research consumer receives."""
    return root / "outbox"


def release_staging_dir(root: Path) -> Path:
    """Releases being drafted and checked (pipeline only); renamed into the outbox whole."""
    return root / "release_staging"


def ledger_path(root: Path) -> Path:
    """Every release and its privacy cost, outside the outbox (pipeline and operators)."""
    return root / "ledger.duckdb"


def dev_key_path(root: Path) -> Path:
    return root / "secrets" / "pseudonym.key"


def dagster_home(root: Path) -> Path:
    return root / "dagster_home"


def data_root_dir(root: Path) -> Path:
    """Create the data root: not listable by others, only marts.duckdb in it is theirs to open."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(DATA_ROOT_MODE)
    return root


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the pipeline's user only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)
    return path
