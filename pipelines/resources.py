"""Every outside thing the assets touch: raw files, the key, the policy, quarantine, warehouse."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import Field

from runtime import paths
from runtime.config.engine import (
    ENGINE_ENV,
    LOCAL_MASTER,
    MASTER_ENV,
    SPARK_DATA_ENV,
    EngineChoice,
    engine_choice,
)
from runtime.config.policy import DEFAULT_POLICY_PATH, PolicyConfig, load_policy
from runtime.config.releases import DEFAULT_RELEASES_PATH, ReleasesConfig, load_releases
from runtime.engine.duck import open_database
from runtime.engine.interface import Engine
from runtime.ingest import raw_source
from runtime.ingest.loading import LoadInputs
from runtime.ingest.quarantine import QuarantineFiles
from runtime.marts.contributions import contributions_file
from runtime.marts.publish import attach_staging
from runtime.marts.verified import verified_file
from runtime.pii import text_scanner
from runtime.releases.ledger import Ledger
from runtime.warehouse.parquet_copy import register_copy, remove_copy, write_copy
from transforms.marts.spec import MartSpec
from transforms.person.pseudonymize import Pseudonymizer
from transforms.pii.known_members import KnownMembers
from transforms.pii.scanner import TextScanner

DUCKDB_SETTINGS = {"preserve_insertion_order": True}  # timestamps are naive UTC


class PseudonymKey(dg.ConfigurableResource):
    """The HMAC key, only ever from the environment (P7). Never logged, never written; its
    text is left out of the resource's repr (the WarehouseInputs that nests it too)."""

    key: str = Field(repr=False)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        Pseudonymizer(self.key)  # a key too short stops the run before any step reads data

    def pseudonymizer(self) -> Pseudonymizer:
        """The key as one handle: the only object that holds its bytes."""
        return Pseudonymizer(self.key)


class Policy(dg.ConfigurableResource):
    """The privacy officer's settings (config/policy.yaml), validated at every load."""

    path: str = str(DEFAULT_POLICY_PATH)

    def load(self) -> PolicyConfig:
        return load_policy(Path(self.path))


class ReleaseSettings(dg.ConfigurableResource):
    """Segments, consumers and budgets (config/releases.yaml), validated at every load, also
    against the policy's age bands."""

    path: str = str(DEFAULT_RELEASES_PATH)

    def load(self, age_band_widths: tuple[int, ...]) -> ReleasesConfig:
        config = load_releases(Path(self.path))
        config.check_against_policy(age_band_widths)
        return config


class PiiScanning(dg.ConfigurableResource):
    """The Presidio analyzer (built once per process, offline) with the members' deny-list.
    `workers`: processes for large scans, 0 for one per CPU."""

    workers: int = 0

    def scanner(self, policy: PolicyConfig, known: KnownMembers | None) -> TextScanner:
        return text_scanner(policy, known, self.workers)


class RawSource(dg.ConfigurableResource, ABC):
    """Where raw member tables come from, as a runtime source the steps read through."""

    @abstractmethod
    def open(self) -> raw_source.RawSource: ...


class FileRawSource(RawSource):
    """raw/<table>/*.parquet and *.csv under the data root."""

    root: str

    def open(self) -> raw_source.RawSource:
        return raw_source.RawFiles(Path(self.root))


class Quarantine(dg.ConfigurableResource):
    """Rejected rows with their reasons, one Parquet file per table and slice, owner-only."""

    root: str

    def open(self) -> QuarantineFiles:
        return QuarantineFiles(Path(self.root))


class WarehouseInputs(dg.ConfigurableResource):
    """What every warehouse load reads through: raw files, quarantine, the key, the policy and
    the PII scanner. `pipelines.definitions` builds it from the top-level resources."""

    raw_source: RawSource
    quarantine: Quarantine
    pseudonym_key: PseudonymKey
    policy: Policy
    pii: PiiScanning

    def open(self) -> LoadInputs:
        return LoadInputs(
            self.raw_source.open(),
            self.quarantine.open(),
            self.pseudonym_key.pseudonymizer(),
            self.policy.load(),
        )


def warehouse_resource(root: Path) -> DuckDBResource:
    return DuckDBResource(
        database=str(paths.warehouse_path(root)), connection_config=DUCKDB_SETTINGS
    )


class MartsStore(dg.ConfigurableResource):
    """The analyst marts: built and checked in a private staging file, then published whole
    into marts.duckdb (aggregates only, read-only for analysts)."""

    root: str

    @property
    def staging(self) -> Path:
        return paths.marts_staging_path(Path(self.root))

    @property
    def published(self) -> Path:
        return paths.marts_path(Path(self.root))

    def attach_staging(self, conn: Engine, *, read_only: bool) -> None:
        attach_staging(conn, self.staging, read_only=read_only)

    def contributions(self, spec: MartSpec) -> Path:
        """The contributions the mart's last build left for its checks."""
        return contributions_file(Path(self.root), spec)

    def verified(self, spec: MartSpec) -> Path:
        """What the mart's checks last verified (runtime/marts/verified.py)."""
        return verified_file(Path(self.root), spec)


class Outbox(dg.ConfigurableResource):
    """Releases: drafted in private staging, delivered to outbox/<consumer>/<release_id>/, and
    recorded with their privacy cost in the ledger beside the outbox."""

    root: str

    def ledger(self) -> Ledger:
        return Ledger(Path(self.root))

    def staging(self, consumer: str, run_id: str) -> Path:
        return paths.release_staging_dir(Path(self.root)) / consumer / run_id


class Compute(dg.ConfigurableResource):
    """The engine that builds the marts and counts the releases: `duckdb` (the warehouse file
    itself), or `spark` on `spark_master` (`local[*]`, or a cluster's URL) reading the
    warehouse's Parquet copy in `spark_data` (default: the data root's spark/ folder; on a
    cluster, storage every executor reads). Ingest, checks and publication stay on DuckDB."""

    root: str
    engine: str = "duckdb"
    spark_master: str = LOCAL_MASTER
    spark_data: str = ""

    def choice(self) -> EngineChoice:
        env = {ENGINE_ENV: self.engine, MASTER_ENV: self.spark_master}
        return engine_choice({**env, SPARK_DATA_ENV: self.spark_data})

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self.choice()  # a misspelt engine stops the run before any step reads data

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self.choice().spark:  # the session's scratch goes when the run ends, not the process
            from runtime.engine.spark import close_session

            close_session()

    @property
    def copy_folder(self) -> Path:
        return self.choice().spark_folder(Path(self.root)) / "warehouse"

    def refresh_copy(self, warehouse: DuckDBResource) -> dict[str, int]:
        """After erasure: Spark's copy of the warehouse rewritten (or removed on DuckDB)."""
        if not self.choice().spark:
            return {"spark_copy_removed": int(remove_copy(self.copy_folder))}
        with connect(warehouse) as conn:
            rows = write_copy(conn, self.copy_folder)
        return {f"spark_copy_rows_{t}": n for t, n in rows.items()}

    @contextmanager
    def spark(self) -> Iterator[Engine | None]:
        """A Spark engine over the warehouse copy, or None when the engine is DuckDB."""
        choice = self.choice()
        if not choice.spark:
            yield None
            return
        from runtime.engine.spark import open_spark  # pyspark only where Spark is chosen

        with open_spark(choice.spark_settings(), Path(self.root)) as engine:
            register_copy(engine, self.copy_folder)
            yield engine


@contextmanager
def connect(resource: DuckDBResource) -> Iterator[Engine]:
    """The resource's database through `open_database` (the data root is its folder), closed
    when the body raises too (a connection left open pins the file for the process)."""
    database = Path(resource.database)
    with open_database(database.parent, str(database), dict(resource.connection_config)) as conn:
        yield conn
