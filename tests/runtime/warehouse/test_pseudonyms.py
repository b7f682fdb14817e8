"""Pseudonyms staged for one step through the key's handle (P7), on a real engine."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from runtime.engine.duck import open_database, tables
from runtime.warehouse.pseudonyms import stage_pseudonym_map
from transforms.person.pseudonymize import Pseudonymizer, pseudonymize_value

KEY_TEXT = "k3y-" + "0123456789abcdef" * 4
OTHER_TEXT = "other-" + "fedcba9876543210" * 4

IDS = "SELECT * FROM (VALUES ('u1'), ('u2'), (NULL), ('u1'), ('u3'), ('u2')) AS t(v)"


def staged(tmp_path: Path, pseudonymizer: Pseudonymizer, ids: str = IDS) -> dict[str, str]:
    with open_database(tmp_path) as conn:
        stage_pseudonym_map(conn, "pseudonyms", ids, pseudonymizer)
        rows = conn.execute("SELECT value, pseudonym FROM pseudonyms").fetchall()
        assert tables(conn) == []  # a temp table: nothing stored
        assert len(rows) == len({v for v, _ in rows})
        return dict(rows)


def test_one_row_per_distinct_non_null_value(tmp_path: Path) -> None:
    assert sorted(staged(tmp_path, Pseudonymizer(KEY_TEXT))) == ["u1", "u2", "u3"]


def test_staged_pseudonyms_are_the_hmac_of_the_value(tmp_path: Path) -> None:
    mapping = staged(tmp_path, Pseudonymizer(KEY_TEXT))
    key = KEY_TEXT.encode("utf-8")
    assert mapping == {v: pseudonymize_value(v, key) for v in ("u1", "u2", "u3")}
    assert all(len(p) == 64 and p != v for v, p in mapping.items())


def test_other_key_other_pseudonyms(tmp_path: Path) -> None:
    mine = staged(tmp_path, Pseudonymizer(KEY_TEXT))
    theirs = staged(tmp_path, Pseudonymizer(OTHER_TEXT))
    assert set(mine) == set(theirs)
    assert all(mine[v] != theirs[v] for v in mine)


def test_staging_leaves_no_registered_view(tmp_path: Path) -> None:
    with open_database(tmp_path) as conn:
        stage_pseudonym_map(conn, "pseudonyms", IDS, Pseudonymizer(KEY_TEXT))
        views = conn.execute(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = '_pseudonym_map'"
        ).fetchall()
    assert views == [(0,)]


def test_no_values_stage_an_empty_map(tmp_path: Path) -> None:
    ids = "SELECT CAST(NULL AS VARCHAR) AS v"
    assert staged(tmp_path, Pseudonymizer(KEY_TEXT), ids) == {}


def test_key_whitespace_is_trimmed() -> None:
    padded = Pseudonymizer(f"  {KEY_TEXT}\n")
    assert padded.pseudonymize("u1") == Pseudonymizer(KEY_TEXT).pseudonymize("u1")


def test_repr_withholds_the_key() -> None:
    p = Pseudonymizer(KEY_TEXT)
    for text in (repr(p), str(p), f"{p!r}"):
        assert KEY_TEXT not in text
        assert "0123456789abcdef" not in text
        assert "withheld" in text


@pytest.mark.parametrize("dump", [pickle.dumps, copy.copy, copy.deepcopy])
def test_the_handle_does_not_leave_its_process(dump: Callable[[object], object]) -> None:
    with pytest.raises(TypeError, match="does not leave"):
        dump(Pseudonymizer(KEY_TEXT))


def test_the_handle_has_no_dict_to_leak() -> None:
    assert not hasattr(Pseudonymizer(KEY_TEXT), "__dict__")


@pytest.mark.parametrize("text", ["", "x" * 31, " " * 40, "  " + "y" * 31 + "  "])
def test_a_short_key_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="at least 32") as caught:
        Pseudonymizer(text)
    assert text.strip() == "" or text.strip() not in str(caught.value)


def test_a_32_character_key_is_accepted() -> None:
    assert len(Pseudonymizer("z" * 32).pseudonymize("u1")) == 64


def test_fingerprints_tell_keys_apart() -> None:
    mine, again, theirs = (Pseudonymizer(t) for t in (KEY_TEXT, KEY_TEXT, OTHER_TEXT))
    assert mine.fingerprint == again.fingerprint
    assert mine.fingerprint != theirs.fingerprint
    assert len(mine.fingerprint) == 16
    assert mine.fingerprint not in KEY_TEXT


@pytest.mark.parametrize("key_text", [KEY_TEXT, "k" * 32, "long-" + "9" * 200, "키" * 40])
def test_the_engine_hashes_as_python_does(tmp_path: Path, key_text: str) -> None:
    """HMAC in the engine (issue 14): equal to hmac.new for any key length and any text."""
    values = ["u1", "김민수", "x" * 300, " a b ", "e\u0301", "🙂"]
    pseudonymizer = Pseudonymizer(key_text)
    with open_database(tmp_path) as conn:
        conn.register("_values", pa.table({"v": values}))
        stage_pseudonym_map(conn, "pseudonyms", "SELECT v FROM _values", pseudonymizer)
        got = dict(conn.execute("SELECT value, pseudonym FROM pseudonyms").fetchall())
    assert got == {v: pseudonymizer.pseudonymize(v) for v in values}


def test_the_key_is_bound_never_written_into_the_sql() -> None:
    sql, pads = Pseudonymizer(KEY_TEXT).pseudonym_sql("v")
    assert KEY_TEXT not in sql and "0123456789abcdef" not in sql
    assert sql.count("?") == len(pads) == 2
