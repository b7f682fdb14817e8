"""The raw-identifier count behind the blocking P2 check: compared by hash, then recounted on
the text, it finds what the text comparison finds, column by column, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from runtime.engine.duck import open_database
from runtime.ingest.raw_source import RawFiles
from runtime.warehouse import checks


def write(root: Path, table: str, data: dict[str, list[str | None]]) -> None:
    folder = root / "raw" / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(data), folder / "part-0.parquet")


def planted(root: Path) -> None:
    write(root, "members", {
        "member_id": ["u_100042", "u_100043"], "email": ["kim@naver.com", "lee@daum.net"],
        "nickname": ["sunny", "moon"], "mobile_phone": ["010-1234-5678", "010-8765-4321"],
        "real_name": ["Kim Minji", "Lee Jun"],
    })  # fmt: skip
    write(root, "visits", {
        "cookie_id": ["ck_77aa", "ck_88bb"], "member_id": ["u_100042", None],
        "ip": ["203.0.113.9", "198.51.100.7"],
    })  # fmt: skip


def test_each_planted_identifier_is_counted_in_its_column(tmp_path: Path) -> None:
    planted(tmp_path)
    with open_database(tmp_path) as conn:
        conn.execute(
            "CREATE TABLE visits AS SELECT * FROM (VALUES "
            "('/news/1', 'ck_77aa', NULL), "  # a raw cookie id kept as it came
            "('/search?q=kim@naver.com', 'p1', 'https://m.site/u/010.1234.5678'), "  # an email; a phone's digits
            "('/from/203.0.113.9/', 'p2', NULL)) "  # a raw IP inside a path
            "AS t(url_path, cookie_pseudonym, referrer)"
        )
        conn.execute("CREATE TABLE members AS SELECT 'Seoul' AS region, 'sunny-day' AS note")
        hits = checks.identifier_hits(conn, RawFiles(tmp_path))
    assert hits == {
        "members.note": 0,  # 'sunny-day' is one token: not the nickname 'sunny'
        "members.region": 0,
        "visits.cookie_pseudonym": 1,
        "visits.referrer": 2,  # the phone's digits: in its token, and in the whole value
        "visits.url_path": 2,  # the email, the IP
    }


def test_a_shared_hash_alone_is_not_a_hit(tmp_path: Path, monkeypatch) -> None:
    """Were every column's hashes to collide with an identifier's, the recount on the text keeps
    each count to its real hits."""
    planted(tmp_path)
    monkeypatch.setattr(checks, "is_hashed_identifier_sql", lambda identifier_hashes: "TRUE")
    with open_database(tmp_path) as conn:
        conn.execute(
            "CREATE TABLE visits AS SELECT * FROM (VALUES ('/news/1', 'a'), ('/u/ck_88bb', 'b')) "
            "AS t(url_path, section)"
        )
        hits = checks.identifier_hits(conn, RawFiles(tmp_path))
    assert hits == {"visits.section": 0, "visits.url_path": 1}
