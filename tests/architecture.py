"""The picture in docs/architecture.md, made from the code: layers, their stages, and which
stage calls which. `python -m tests.architecture` rewrites it; tests/test_architecture.py fails
while the document and the tree disagree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "architecture.md"
LAYERS = ("pipelines", "runtime", "transforms")
BEGIN, END = "<!-- picture: begin (python -m tests.architecture) -->", "<!-- picture: end -->"


def stage_of(path: Path) -> tuple[str, str]:
    """(layer, stage) of a module: its folder under the layer, or the module itself."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return parts[0], parts[1]


def module_of(dotted: str) -> tuple[str, str] | None:
    parts = dotted.split(".")
    if parts[0] not in LAYERS or len(parts) < 2:
        return None
    return parts[0], parts[1]


def exists(stage: tuple[str, str]) -> bool:
    layer, name = stage
    return (REPO / layer / name).is_dir() or (REPO / layer / f"{name}.py").is_file()


def edges() -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """(caller stage, callee stage) for every import from one layer into another."""
    found = set()
    for layer in LAYERS:
        for path in sorted((REPO / layer).rglob("*.py")):
            if path.name == "__init__.py" and path.parent.name == layer:
                continue
            here = stage_of(path)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                targets: list[str] = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    targets = [a.name for a in node.names]
                for t in targets:
                    there = module_of(t)
                    if there and there[0] != here[0] and exists(there):
                        found.add((here, there))
    return found


def stages(layer: str) -> list[str]:
    root = REPO / layer
    folders = [p.name for p in root.iterdir() if (p / "__init__.py").exists()]
    files = [p.stem for p in root.glob("*.py") if p.name != "__init__.py"]
    return sorted(folders) + sorted(files)


def node(layer: str, stage: str) -> str:
    return f"{layer}_{re.sub(r'[^a-z0-9]', '_', stage)}"


def picture() -> str:
    lines = ["```mermaid", "flowchart TB"]
    titles = {
        "pipelines": "pipelines/: Dagster wiring only",
        "runtime": "runtime/: storage, engine, ledger, delivery (no Dagster)",
        "transforms": "transforms/: pure rules and SQL builders (no I/O)",
    }
    for layer in LAYERS:
        lines.append(f'  subgraph {layer}["{titles[layer]}"]')
        for stage in stages(layer):
            is_folder = (REPO / layer / stage).is_dir()
            label = f"{stage}/" if is_folder else stage
            lines.append(f'    {node(layer, stage)}["{label}"]')
        lines.append("  end")
    # The wiring calls down as a whole (its modules are asset groups, not stages).
    arrows = {
        ("pipelines" if a_layer == "pipelines" else node(a_layer, a), node(b_layer, b))
        for (a_layer, a), (b_layer, b) in edges()
    }
    lines += [f"  {a} --> {b}" for a, b in sorted(arrows)]
    lines.append("```")
    return "\n".join(lines)


def document_block(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[start:end].strip()


def rewrite() -> None:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(f"{text[:start]}\n{picture()}\n{text[end:]}", encoding="utf-8")


if __name__ == "__main__":
    rewrite()
