"""The house keeps its shape: the package's imports form no circle, and each stage imports only
the stages below it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "natk_xlsx"

#: Stages from the bottom up; a module may import its own stage and those below it.
STAGES = ("base", "spec", "workbook", "returns", "analysis", "outputs", "top")
BASE = {"errors", "validation", "schema_check", "tabular", "layout", "textwidth", "safeio", "i18n",
        "alongside", "forked"}
TOP = {"cli", "entry", "demo", "__init__", "__main__"}


def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"] or ["__init__"]
    return ".".join(parts)


def _stage(module: str) -> str:
    head = module.split(".")[0]
    if head in BASE:
        return "base"
    if head in TOP:
        return "top"
    return head


def import_graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "natk_xlsx":
                    targets = [a.name for a in node.names]
                elif node.module.startswith("natk_xlsx."):
                    base = node.module[len("natk_xlsx."):]
                    targets = [base]
                    targets += [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name[len("natk_xlsx."):] for a in node.names
                           if a.name.startswith("natk_xlsx.")]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_package_has_no_import_circle() -> None:
    assert find_cycle(import_graph()) is None


def test_the_cycle_finder_sees_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_each_stage_imports_only_the_stages_below_it() -> None:
    upward = sorted(
        f"{module} ({_stage(module)}) imports {target} ({_stage(target)})"
        for module, targets in import_graph().items() for target in targets
        if STAGES.index(_stage(target)) > STAGES.index(_stage(module)))
    assert upward == []


@pytest.mark.parametrize("stage", STAGES[1:-1])
def test_every_stage_is_a_package_described_in_the_architecture_page(stage: str) -> None:
    assert (PACKAGE / stage / "__init__.py").is_file()
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text("utf-8")
    assert f"natk_xlsx/{stage}/" in page
    for module in sorted((PACKAGE / stage).glob("*.py")):
        if module.name != "__init__.py":
            assert f"`{module.stem}`" in page, f"{stage}/{module.name} is not on the page"
