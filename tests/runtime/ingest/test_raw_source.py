"""Raw files under raw/<table>/ and the quarantine folders, on a real data root."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from runtime import paths
from runtime.engine.duck import open_database
from runtime.ingest.quarantine import QuarantineFiles
from runtime.ingest.raw_csv import RawFileError
from runtime.ingest.raw_source import RawFiles

TABLE = "visits"


def raw_folder(root: Path, table: str = TABLE) -> Path:
    folder = paths.raw_dir(root) / table
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_parquet(path: Path, rows: int = 3) -> Path:
    pq.write_table(pa.table({"member_id": [f"u{i}" for i in range(rows)]}), path)
    return path


def test_no_folder_means_no_files(tmp_path: Path) -> None:
    assert RawFiles(tmp_path).files(TABLE) == []


def test_files_lists_parquet_and_csv_in_name_order(tmp_path: Path) -> None:
    folder = raw_folder(tmp_path)
    write_parquet(folder / "b-2026=03.parquet")
    (folder / "a_1.csv").write_text("member_id\nu1\n")
    (folder / "notes.txt").write_text("ignored")
    names = [p.name for p in RawFiles(tmp_path).files(TABLE)]
    assert names == ["a_1.csv", "b-2026=03.parquet"]


@pytest.mark.parametrize(
    "name",
    ["bad name.parquet", "glob*.parquet", "x[1].csv", "_leading.parquet", "ünï.csv", "a?b.csv"],
)
def test_a_name_outside_the_plain_set_stops_the_table_unnamed(tmp_path: Path, name: str) -> None:
    folder = raw_folder(tmp_path)
    write_parquet(folder / "good.parquet")
    (folder / name).write_bytes(b"")
    with pytest.raises(RawFileError, match=r"\[A-Za-z0-9\._=-\]") as caught:
        RawFiles(tmp_path).files(TABLE)
    stem = name.rsplit(".", 1)[0]
    assert name not in str(caught.value)
    assert stem not in str(caught.value)


def test_a_truncated_parquet_file_is_named_relative_to_the_root(tmp_path: Path) -> None:
    folder = raw_folder(tmp_path)
    write_parquet(folder / "a.parquet")
    broken = write_parquet(folder / "b.parquet", rows=100)
    broken.write_bytes(broken.read_bytes()[:-20])
    with open_database(tmp_path) as conn, pytest.raises(RawFileError) as caught:
        RawFiles(tmp_path).branches(conn, TABLE)
    message = str(caught.value)
    assert "raw/visits/b.parquet" in message
    assert str(tmp_path) not in message
    assert "a.parquet" not in message


def test_readable_parquet_files_make_one_branch(tmp_path: Path) -> None:
    folder = raw_folder(tmp_path)
    write_parquet(folder / "a.parquet")
    write_parquet(folder / "b.parquet")
    with open_database(tmp_path) as conn:
        branches = RawFiles(tmp_path).branches(conn, TABLE)
    assert len(branches) == 1
    assert branches[0].columns == ("member_id",)
    assert branches[0].label == "2 Parquet file(s) of raw/visits"


def test_a_csv_file_makes_its_own_branch(tmp_path: Path) -> None:
    (raw_folder(tmp_path) / "export.csv").write_text("member_id,city\nu1,Seoul\n")
    with open_database(tmp_path) as conn:
        (branch,) = RawFiles(tmp_path).branches(conn, TABLE)
        assert branch.columns == ("member_id", "city")
        assert branch.label == "raw/visits/export.csv"
        assert conn.execute(f"SELECT count(*) FROM {branch.scan}").fetchall() == [(1,)]


def test_fingerprint_changes_when_a_file_is_added(tmp_path: Path) -> None:
    folder = raw_folder(tmp_path)
    raw = RawFiles(tmp_path)
    empty = raw.fingerprint(TABLE)
    write_parquet(folder / "a.parquet")
    one = raw.fingerprint(TABLE)
    assert one != empty
    assert raw.fingerprint(TABLE) == one  # stable while nothing changes
    write_parquet(folder / "b.parquet")
    assert raw.fingerprint(TABLE) != one


def test_fingerprint_changes_when_a_file_grows(tmp_path: Path) -> None:
    path = raw_folder(tmp_path) / "a.csv"
    path.write_text("member_id\nu1\n")
    raw = RawFiles(tmp_path)
    before = raw.fingerprint(TABLE)
    mtime = path.stat().st_mtime_ns
    with path.open("a") as f:
        f.write("u2\n")
    os.utime(path, ns=(mtime, mtime))  # same mtime: the size alone tells
    assert raw.fingerprint(TABLE) != before


def test_fingerprint_is_per_table(tmp_path: Path) -> None:
    write_parquet(raw_folder(tmp_path, "visits") / "a.parquet")
    raw_folder(tmp_path, "members")
    raw = RawFiles(tmp_path)
    assert raw.fingerprint("visits") != raw.fingerprint("members")


def test_quarantine_folder_is_owner_only(tmp_path: Path) -> None:
    folder = QuarantineFiles(tmp_path).folder(TABLE)
    assert folder == paths.quarantine_dir(tmp_path) / TABLE
    assert folder.is_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == paths.PRIVATE_DIR
    assert stat.S_IMODE(folder.parent.stat().st_mode) == paths.PRIVATE_DIR


def test_quarantine_files_lists_parquet_only(tmp_path: Path) -> None:
    quarantine = QuarantineFiles(tmp_path)
    assert quarantine.files() == []
    write_parquet(quarantine.folder("visits") / "2026-03.parquet")
    write_parquet(quarantine.folder("members") / "all.parquet")
    (quarantine.folder("members") / "notes.txt").write_text("x")
    assert [p.name for p in quarantine.files("members")] == ["all.parquet"]
    assert [p.relative_to(paths.quarantine_dir(tmp_path)) for p in quarantine.files()] == [
        Path("members/all.parquet"),
        Path("visits/2026-03.parquet"),
    ]
