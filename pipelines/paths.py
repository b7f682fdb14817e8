"""Where things live under the data root (CONTRACT.md, Outputs)."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ROOT_ENV = "PIPELINE_DATA"
KEY_ENV = "PIPELINE_PSEUDONYM_KEY"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def data_root() -> Path:
    return Path(os.environ.get(DATA_ROOT_ENV) or "data").resolve()


def raw_dir(root: Path) -> Path:
    return root / "raw"


def quarantine_dir(root: Path) -> Path:
    return root / "quarantine"


def warehouse_path(root: Path) -> Path:
    return root / "warehouse.duckdb"


def dev_key_path(root: Path) -> Path:
    return root / "secrets" / "pseudonym.key"


def dagster_home(root: Path) -> Path:
    return root / "dagster_home"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the pipeline's user only."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)
    return path
