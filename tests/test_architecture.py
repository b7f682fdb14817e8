"""docs/architecture.md is true of the tree: its picture is the one the code makes, every path
it names exists, every promise has its row, and every check it names is a real check."""

from __future__ import annotations

import re

from tests import architecture

DOC = architecture.DOC.read_text(encoding="utf-8")


def test_the_picture_is_the_one_the_code_makes() -> None:
    assert architecture.document_block(DOC) == architecture.picture(), (
        "docs/architecture.md is stale: run `python -m tests.architecture`"
    )


def test_every_path_it_names_exists() -> None:
    named = set(re.findall(r"`((?:pipelines|runtime|transforms|tests)/[\w/]+\.py)`", DOC))
    assert named and sorted(p for p in named if not (architecture.REPO / p).is_file()) == []


def test_every_promise_has_one_row() -> None:
    rows = re.findall(r"^\| (P[1-7]) ", DOC, flags=re.M)
    assert rows == [f"P{i}" for i in range(1, 8)]


def test_every_check_it_names_is_defined() -> None:
    table = DOC[DOC.index("## Where each promise lives") : DOC.index("## The engine interface")]
    checks = {c for cell in re.findall(r"\| ([^|]*) \| [^|]* \|$", table, flags=re.M)
              for c in re.findall(r"`([a-z_]+)`", cell)}  # fmt: skip
    source = "".join(
        p.read_text(encoding="utf-8")
        for layer in ("pipelines", "runtime")
        for p in (architecture.REPO / layer).rglob("*.py")
    )
    assert (
        checks
        and sorted(c for c in checks if f'"{c}"' not in source and f"def {c}(" not in source) == []
    )
