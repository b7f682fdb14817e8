"""Where raw member tables come from: an abstract source (a database can implement it later)
and the files under raw/ (Parquet and CSV, CSV read tolerantly into private scratch)."""

from __future__ import annotations

import hashlib
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from runtime import paths
from runtime.engine.duck import scratch_dir
from runtime.engine.interface import Engine
from runtime.ingest.raw_csv import (
    ERROR_COLUMN,
    ROW_COLUMN,
    RawFileError,
    csv_to_parquet,
    physical_name,
)
from transforms.contract import AD_EVENTS, VISITS, TableSpec
from transforms.ingest.sources import Branch, raw_rows_sql
from transforms.sql import ident, literal


class RawSource(ABC):
    """Where raw member tables come from (files now; a database can implement this later)."""

    @abstractmethod
    def branches(
        self, conn: Engine, table: str, parts: Collection[str] | None = None
    ) -> list[Branch]:
        """The table's scans: every part, or only `parts` (names from `parts()`)."""

    @abstractmethod
    def fingerprint(self, table: str) -> str:
        """Changes whenever the table's content may have changed (for sensors)."""

    @abstractmethod
    def parts(self, table: str) -> dict[str, str]:
        """The table's parts (a file, for files) and a version of each that changes with it:
        what a step that keeps its own results needs to read again."""


@dataclass(frozen=True)
class RawFiles(RawSource):
    """raw/<table>/*.parquet and *.csv under the data root, all files of a table read together."""

    root: Path

    def table_dir(self, table: str) -> Path:
        return paths.raw_dir(self.root) / table

    def files(self, table: str) -> list[Path]:
        folder = self.table_dir(table)
        if not folder.is_dir():
            return []
        files = sorted(p for p in folder.iterdir() if p.suffix in (".parquet", ".csv"))
        odd = [i + 1 for i, p in enumerate(files) if not _PLAIN_FILE_NAME.fullmatch(p.name)]
        if odd:  # a glob character would widen the scan; the name is not shown (it is data)
            raise RawFileError(
                f"raw/{table}: file(s) {', '.join(map(str, odd))} (in name order) have names "
                "that start with other than a letter or digit or hold a character outside "
                "[A-Za-z0-9._=-]; rename them (the table stops until then)"
            )
        return files

    def label(self, path: Path) -> str:
        """How errors name a raw file: relative to the data root."""
        return str(path.relative_to(self.root))

    def branches(
        self, conn: Engine, table: str, parts: Collection[str] | None = None
    ) -> list[Branch]:
        files = [p for p in self.files(table) if parts is None or p.name in parts]
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

    def _csv_branch(self, conn: Engine, path: Path) -> Branch:
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
        for name, version in self.parts(table).items():
            h.update(f"{name}:{version};".encode())
        return h.hexdigest()

    def parts(self, table: str) -> dict[str, str]:
        return {p.name: f"{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in self.files(table)}


_PLAIN_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=-]{0,200}")


def _columns(conn: Engine, scan: str) -> tuple[str, ...]:
    names = [d[0] for d in conn.sql(f"SELECT * FROM {scan} LIMIT 0").description]  # noqa: S608
    return tuple(n for n in names if n not in ("filename", "file_row_number"))


COOKIE_TABLES = (VISITS, AD_EVENTS)


def raw_relation(
    conn: Engine, spec: TableSpec, raw: RawSource, parts: Collection[str] | None = None
) -> str:
    """The raw rows of a table (of `parts` only, when given) as an inline subquery: DuckDB
    reads only the columns used."""
    return f"({raw_rows_sql(spec, raw.branches(conn, spec.name, parts), [], None)})"


def readable_cookie_tables(
    conn: Engine, raw: RawSource, parts: Mapping[str, Collection[str]] | None = None
) -> list[tuple[TableSpec, str]]:
    """(spec, raw relation) of the cookie tables whose files can be read (of `parts[table]`
    only, when given). An unreadable one stops its own load (which says why); erasure goes on
    with the warehouse's stored links, since nothing of an unreadable file reached it."""
    readable = []
    for spec in COOKIE_TABLES:
        try:
            wanted = None if parts is None else parts.get(spec.name, ())
            readable.append((spec, raw_relation(conn, spec, raw, wanted)))
        except RawFileError:
            continue
    return readable
