"""The three layers hold (docs/architecture.md): transforms/ pure rules, runtime/ without
Dagster, pipelines/ nothing but Dagster wiring; small modules; tests mirror the layout."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAX_LINES = 250  # product modules; tests, benchmarks and the sample generator aside


def modules(layer: str) -> list[Path]:
    return sorted((REPO / layer).rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Top-level packages and dotted modules a file imports (anywhere in it)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imports_package(path: Path, package: str) -> bool:
    return any(n == package or n.startswith(f"{package}.") for n in imported(path))


@pytest.mark.parametrize("path", modules("pipelines"), ids=lambda p: p.name)
def test_every_pipelines_module_is_dagster_wiring(path: Path) -> None:
    assert imports_package(path, "dagster"), f"{path.name} does not import Dagster: runtime/"


@pytest.mark.parametrize("layer", ["transforms", "runtime"])
def test_no_dagster_below_the_wiring(layer: str) -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in modules(layer)
        if imports_package(p, "dagster") or imports_package(p, "dagster_duckdb")
    ]
    assert offenders == []


def test_data_flows_one_way() -> None:
    """transforms/ imports neither upper layer; runtime/ never imports the wiring."""
    up = [
        str(p.relative_to(REPO))
        for p in modules("transforms")
        if imports_package(p, "runtime") or imports_package(p, "pipelines")
    ]
    up += [str(p.relative_to(REPO)) for p in modules("runtime") if imports_package(p, "pipelines")]
    assert up == []


@pytest.mark.parametrize(
    ("packages", "home"), [(("duckdb",), "duck.py"), (("pyspark", "py4j"), "spark.py")]
)
def test_every_query_runs_through_the_engine_interface(
    packages: tuple[str, ...], home: str
) -> None:
    """Only an engine's implementation (and nothing in transforms/) holds its package."""
    engine = REPO / "runtime" / "engine" / home
    holders = [
        str(p.relative_to(REPO))
        for layer in ("transforms", "runtime", "pipelines")
        for p in modules(layer)
        if p != engine and any(imports_package(p, package) for package in packages)
    ]
    assert engine.exists() and holders == []


def test_no_product_module_is_over_the_limit() -> None:
    long = {
        str(p.relative_to(REPO)): n
        for layer in ("transforms", "runtime", "pipelines")
        for p in modules(layer)
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_key_bytes_stay_in_their_handle() -> None:
    """Only the Pseudonymizer decodes the key (P7); no module outside it asks for its bytes."""
    home = REPO / "transforms" / "person" / "pseudonymize.py"
    readers = [
        str(p.relative_to(REPO))
        for layer in ("runtime", "pipelines")
        for p in modules(layer)
        if "decode_key(" in (text := p.read_text(encoding="utf-8")) or "._key" in text
    ]
    assert home.exists() and readers == []


@pytest.mark.parametrize("layer", ["transforms", "runtime"])
def test_tests_mirror_the_layout(layer: str) -> None:
    """Each stage folder of a layer has its folder of tests."""
    stages = sorted(p.name for p in (REPO / layer).iterdir() if (p / "__init__.py").exists())
    missing = [s for s in stages if not (REPO / "tests" / layer / s).is_dir()]
    assert missing == []


def test_control_a_dagster_import_in_runtime_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from dagster import asset\n    return asset\n")
    assert imports_package(bad, "dagster")
