"""Every outside thing the assets touch: raw files, the key, the policy, quarantine, warehouse."""

import hashlib
import json
import re
from abc import ABC, abstractmethod
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
from dagster_duckdb import DuckDBResource

from pipelines import paths
from pipelines.duck import scratch_dir
from pipelines.ledger import Ledger
from pipelines.policy import DEFAULT_POLICY_PATH, PolicyConfig, load_policy
from pipelines.raw_csv import ERROR_COLUMN, ROW_COLUMN, RawFileError, csv_to_parquet, physical_name
from pipelines.release_config import DEFAULT_RELEASES_PATH, ReleasesConfig, load_releases
from transforms.pii.analyzer import AnalyzerSettings
from transforms.pii.known_members import KnownMembers
from transforms.pii.scanner import ScanSettings, TextScanner
from transforms.pseudonymize import decode_key
from transforms.sources import Branch
from transforms.sql import ident, literal

DUCKDB_SETTINGS = {"preserve_insertion_order": True}  # timestamps are naive UTC


class RawSource(dg.ConfigurableResource, ABC):
    """Where raw member tables come from (files now; a database can implement this later)."""

    @abstractmethod
    def branches(self, conn: duckdb.DuckDBPyConnection, table: str) -> list[Branch]: ...

    @abstractmethod
    def fingerprint(self, table: str) -> str:
        """Changes whenever the table's content may have changed (for sensors)."""


class FileRawSource(RawSource):
    """raw/<table>/*.parquet and *.csv under the data root, all files of a table read together."""

    root: str

    def table_dir(self, table: str) -> Path:
        return paths.raw_dir(Path(self.root)) / table

    def files(self, table: str) -> list[Path]:
        folder = self.table_dir(table)
        if not folder.is_dir():
            return []
        files = sorted(p for p in folder.iterdir() if p.suffix in (".parquet", ".csv"))
        odd = [i + 1 for i, p in enumerate(files) if not _PLAIN_FILE_NAME.fullmatch(p.name)]
        if odd:  # a glob character would widen the scan; the name is not shown (it is data)
            raise RawFileError(
                f"raw/{table}: file(s) {', '.join(map(str, odd))} (in name order) have names "
                "outside [A-Za-z0-9._=-]; rename them (the table stops until then)"
            )
        return files

    def label(self, path: Path) -> str:
        """How errors name a raw file: relative to the data root."""
        return str(path.relative_to(Path(self.root)))

    def branches(self, conn: duckdb.DuckDBPyConnection, table: str) -> list[Branch]:
        files = self.files(table)
        parquet = [p for p in files if p.suffix == ".parquet"]
        result = []
        for p in parquet:  # a truncated or foreign file stops its table here, by name
            try:
                pq.read_metadata(p)
            except Exception:  # pyarrow raises several kinds; the file's name says enough
                raise RawFileError(
                    f"{self.label(p)} is not a readable Parquet file (truncated or corrupt); "
                    f"table {table} stops, the other tables go on"
                ) from None
        if parquet:
            scan = (
                f"read_parquet([{', '.join(literal(str(p)) for p in parquet)}], "
                "union_by_name=true, filename=true, file_row_number=true)"
            )
            label = f"{len(parquet)} Parquet file(s) of raw/{table}"
            result.append(Branch(scan, _columns(conn, scan), "file_row_number + 1", label))
        result += [self._csv_branch(conn, p) for p in files if p.suffix == ".csv"]
        return result

    def _csv_branch(self, conn: duckdb.DuckDBPyConnection, path: Path) -> Branch:
        """The CSV read tolerantly into the connection's scratch folder (once per connection)."""
        st = path.stat()
        digest = hashlib.sha256(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()
        target = paths.private_dir(scratch_dir(conn) / "csv") / f"{digest[:32]}.parquet"
        header_file = target.with_suffix(".header.json")
        if not target.exists():
            shape = csv_to_parquet(path, target, self.label(path))
            header_file.write_text(json.dumps(shape.header), encoding="utf-8")
        header = tuple(json.loads(header_file.read_text(encoding="utf-8")))
        return Branch(
            scan=f"read_parquet({literal(str(target))})",
            columns=header,
            row_number=ident(ROW_COLUMN),
            label=self.label(path),
            physical=tuple(physical_name(i) for i in range(len(header))),
            source_file=literal(str(path)),
            parse_error=ident(ERROR_COLUMN),
        )

    def fingerprint(self, table: str) -> str:
        h = hashlib.sha256()
        for p in self.files(table):
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
        return h.hexdigest()


_PLAIN_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=-]{0,200}")


def _columns(conn: duckdb.DuckDBPyConnection, scan: str) -> tuple[str, ...]:
    names = [d[0] for d in conn.sql(f"SELECT * FROM {scan} LIMIT 0").description]  # noqa: S608
    return tuple(n for n in names if n not in ("filename", "file_row_number"))


class PseudonymKey(dg.ConfigurableResource):
    """The HMAC key, only ever from the environment (P7). Never logged, never written."""

    key: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        decode_key(self.key)  # a key too short stops the run before any step reads data

    def secret(self) -> bytes:
        return decode_key(self.key)


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
        analyzer = AnalyzerSettings(ner_model=policy.pii.ner_model)
        return TextScanner(ScanSettings(analyzer=analyzer, workers=self.workers), known)


class Quarantine(dg.ConfigurableResource):
    """Rejected rows with their reasons, one Parquet file per table and slice, owner-only."""

    root: str

    def folder(self, table: str) -> Path:
        return paths.private_dir(paths.private_dir(paths.quarantine_dir(Path(self.root))) / table)

    def files(self, table: str | None = None) -> list[Path]:
        base = paths.quarantine_dir(Path(self.root))
        pattern = f"{table}/*.parquet" if table else "*/*.parquet"
        return sorted(base.glob(pattern)) if base.is_dir() else []


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

    def attach_staging(self, conn: duckdb.DuckDBPyConnection, *, read_only: bool) -> None:
        """Attach the staging file as `staging` to a warehouse connection."""
        mode = " (READ_ONLY)" if read_only else ""
        conn.execute(f"ATTACH {literal(str(self.staging))} AS staging{mode}")


class Outbox(dg.ConfigurableResource):
    """Releases: drafted in private staging, delivered to outbox/<consumer>/<release_id>/, and
    recorded with their privacy cost in the ledger beside the outbox."""

    root: str

    def ledger(self) -> Ledger:
        return Ledger(Path(self.root))

    def staging(self, consumer: str, run_id: str) -> Path:
        return paths.release_staging_dir(Path(self.root)) / consumer / run_id
