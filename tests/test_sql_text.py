"""No name from data reaches SQL text unquoted (issue 12): every value interpolated into an SQL
f-string of the product is a quoting call (`ident`, `literal`, `in_list`, `text`, a number) or
one of the reviewed interpolations in `sql_interpolations.txt` (contract constants, our own
table names, fragments our SQL builders made). A new one fails here until it is quoted or
reviewed and listed; a listed one that is gone fails too, so the list stays the audit."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("pipelines", "runtime", "transforms")
REVIEWED = Path(__file__).with_name("sql_interpolations.txt")
SQL_WORDS = re.compile(
    r"\b(SELECT|FROM|CREATE|INSERT|DELETE|ALTER|COPY|ATTACH|COMMENT ON|DROP|UPDATE|WHERE|CAST|"
    r"JOIN|UNION|VALUES|EXCLUDE|PARTITION BY)\b"
)
QUOTING = {"ident", "literal", "in_list", "text", "int", "float", "len", "column_sql"}


def _called(node: ast.expr) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def interpolations() -> set[str]:
    """'path: expression' for every unquoted value interpolated into SQL text."""
    found = set()
    for layer in LAYERS:
        for path in sorted((REPO / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.JoinedStr):
                    continue
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if not SQL_WORDS.search(str(text)):
                    continue
                for v in node.values:
                    if isinstance(v, ast.FormattedValue) and _called(v.value) not in QUOTING:
                        found.add(f"{path.relative_to(REPO)}: {ast.unparse(v.value)}")
    return found


def reviewed() -> set[str]:
    lines = REVIEWED.read_text(encoding="utf-8").splitlines()
    return {x for x in lines if x.strip() and not x.startswith("#")}


def test_every_sql_interpolation_is_quoted_or_reviewed() -> None:
    new = sorted(interpolations() - reviewed())
    assert not new, (
        "unquoted values in SQL text: quote names from data with transforms.sql.ident and values "
        "with literal (or a ? parameter); if it is SQL our code built, review it and add it to "
        f"{REVIEWED.name}: {new}"
    )


def test_the_reviewed_list_holds_nothing_that_is_gone() -> None:
    assert not sorted(reviewed() - interpolations())


def test_control_an_unquoted_raw_column_name_is_caught(tmp_path, monkeypatch) -> None:
    layer = tmp_path / "pipelines"
    layer.mkdir()
    (layer / "bad.py").write_text(
        'def sample(b, column):\n    return f"SELECT CAST({column} AS VARCHAR) FROM {b.scan}"\n'
    )
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    assert interpolations() == {"pipelines/bad.py: column", "pipelines/bad.py: b.scan"}
