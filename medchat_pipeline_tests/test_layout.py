"""The package's shape: core/ stays free of Dagster, and no module imports its way back to itself."""

from __future__ import annotations

import ast
from pathlib import Path

import medchat_pipeline

PACKAGE = Path(medchat_pipeline.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module this file imports, at any depth (function-level imports count: they still form a circle)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "demo_data" not in p.parts}
    return {name: {m for m in _imports(path) if m in files and m != name} for name, path in files.items()}


def test_core_never_imports_dagster():
    offenders = {
        _module_name(p): sorted(m for m in _imports(p) if m.split(".")[0] in {"dagster", "dagster_pipes"})
        for p in (PACKAGE / "core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            # importing a package's submodule runs the package's __init__ first, but that edge is not a circle
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []
