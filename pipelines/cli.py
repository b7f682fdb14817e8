"""`python -m pipelines.cli run|ui|release|ledger`: prepare the data root and Dagster home, then
run the main job, serve the UI, request one consumer's release, or print the privacy ledger.

Outside production a missing PIPELINE_PSEUDONYM_KEY is generated once into the data root
(mode 0600) with a warning; with PIPELINE_ENV=production a missing key stops everything here,
before anything is read (and Dagster itself refuses a run whose EnvVar is unset).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import warnings
from pathlib import Path

from runtime import paths
from runtime.engine import scratch
from runtime.paths import KEY_ENV
from transforms.person.pseudonymize import Pseudonymizer

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO / "data"


class SetupError(RuntimeError):
    pass


def production() -> bool:
    return os.environ.get("PIPELINE_ENV") == "production"


def ensure_key(root: Path) -> None:
    if os.environ.get(KEY_ENV):
        try:
            Pseudonymizer(os.environ[KEY_ENV])
        except ValueError as exc:
            raise SetupError(f"{exc}: refusing to start") from None
        return
    if production():
        raise SetupError(f"{KEY_ENV} is not set and PIPELINE_ENV=production: refusing to start")
    key_file = paths.dev_key_path(root)
    if not key_file.exists():
        paths.private_dir(key_file.parent)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, paths.PRIVATE_FILE)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        print(
            f"WARNING: {KEY_ENV} is not set; generated a development key at {key_file} "
            "(mode 0600). Set the variable in production.",
            file=sys.stderr,
        )
    os.environ[KEY_ENV] = key_file.read_text().strip()


def prepare(root: Path) -> None:
    """Data root (scratch left by a killed run removed), Dagster home with the repo's
    dagster.yaml, and the key in the environment."""
    ensure_key(root)  # a missing or short key stops everything before a file is made
    paths.data_root_dir(root)
    scratch.clean_stale(root)
    if paths.raw_dir(root).is_dir():  # the site's export may arrive open to all: close it
        for entry in [paths.raw_dir(root), *paths.raw_dir(root).rglob("*")]:
            if not entry.is_symlink():
                entry.chmod(paths.PRIVATE_DIR if entry.is_dir() else paths.PRIVATE_FILE)
    os.environ[paths.DATA_ROOT_ENV] = str(root)
    home = paths.private_dir(paths.dagster_home(root))
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="veil", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="run main_job (sample data first if raw/ is empty, outside production)"
    )
    run.add_argument(
        "--sample-data",
        action="store_true",
        help="generate sample data into an empty raw/ under any data root (never in production;"
        " under the default ./data this happens without asking)",
    )
    run.add_argument("--members", type=int, default=100_000, help="sample members")
    run.add_argument("--days", type=int, default=14, help="sample days, ending yesterday")
    run.add_argument("--seed", type=int, default=7, help="sample seed: same seed, same bytes")
    ui = sub.add_parser("ui", help="serve the Dagster UI on this data root")
    ui.add_argument("--port", default="3000")
    rel = sub.add_parser("release", help="request a release for one consumer (ad hoc)")
    rel.add_argument("--consumer", required=True, help="a consumer of config/releases.yaml")
    rel.add_argument("--month", help="YYYY-MM of the data (default: the current month, UTC)")
    rel.add_argument("--only", default="", help="comma-separated segments or tables (default all)")
    rel.add_argument("--last-day", default="", help="YYYY-MM-DD: the data period's last day")
    sub.add_parser("ledger", help="print every delivered release and its privacy cost")
    sub.add_parser("columns", help="report raw columns outside the contract: what they look like")
    args = parser.parse_args(argv)
    root = paths.data_root()
    try:
        prepare(root)
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "ui":
        dagster = str(Path(sys.executable).with_name("dagster"))
        os.execv(  # noqa: S606 (a fixed program path, no shell)
            dagster,
            [dagster, "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", args.port],
        )
    from dagster import BetaWarning  # the pinned Dagster calls BackfillPolicy beta: known, not news

    warnings.filterwarnings("ignore", category=BetaWarning)
    from pipelines import launch  # after prepare(): Dagster reads DAGSTER_HOME

    if args.command == "ledger":
        return launch.print_ledger(root)
    if args.command == "columns":
        from runtime.ingest.column_classes import print_column_reports

        return print_column_reports(root)
    if args.command == "release":
        only = [n for n in args.only.split(",") if n]
        return launch.run_release(root, args.consumer, args.month, only, args.last_day)
    if launch.raw_is_empty(root):
        refusal = sample_data_refusal(root, args.sample_data)
        if refusal:
            print(f"error: {refusal}", file=sys.stderr)
            return 2
        launch.generate_sample(root, members=args.members, days=args.days, seed=args.seed)
    return launch.run_main_job(root)


def sample_data_refusal(root: Path, asked: bool) -> str | None:
    """Why an empty raw/ must not be filled with sample data, or None when it may."""
    raw = paths.raw_dir(root)
    if production():
        return (
            f"{raw} is empty or missing and PIPELINE_ENV=production: put the site's export "
            "there (CONTRACT.md, Raw input); sample data is never generated in production"
        )
    if not asked and root != DEFAULT_ROOT:
        return (
            f"{raw} is empty or missing: put the site's export there, or pass --sample-data "
            "to generate sample data (the default ./data gets it without asking)"
        )
    return None


if __name__ == "__main__":
    raise SystemExit(main())
