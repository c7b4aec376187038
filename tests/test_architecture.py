"""The import graph between equiptrain's packages (as ARCHITECTURE.md draws it): no package imports another that
imports it back, directly or round a loop, and `authz.py` imports no feature (features register their rules)."""

from __future__ import annotations

import ast
from pathlib import Path

import equiptrain

ROOT = Path(equiptrain.__file__).parent
PACKAGES = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def _imported(path: Path) -> set[str]:
    """The equiptrain packages a file imports (absolute or relative imports alike)."""
    found = set()
    inside = path.relative_to(ROOT).parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's own package
                base = list(inside[: len(inside) - node.level + 1])
                names = [".".join(["equiptrain", *base, *([node.module] if node.module else [])])]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            bits = name.split(".")
            if bits[0] == "equiptrain" and len(bits) > 1 and bits[1] in PACKAGES:
                found.add(bits[1])
    return found


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) > 1 and parts[0] in PACKAGES:
            graph[parts[0]] |= _imported(path) - {parts[0]}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_package_imports_another_that_imports_it_back():
    graph = import_graph()
    assert "accounts" in graph and "workshops" in graph["careaudit"]  # the graph is really built
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_authz_imports_no_feature():
    assert _imported(ROOT / "authz.py") == set()


def test_learning_does_not_import_workshops():
    """Facts learning needs from workshops (who attended the core, who facilitates a module) come through
    `learning.facts`, wired by the app factory, or with the event that carries them."""
    assert "workshops" not in import_graph()["learning"]


def test_accounts_does_not_import_trainers():
    """A trainer's records are one package, `trainers`, which imports accounts; accounts reaches the trainer role
    through `accounts.roles`, which the trainers feature registers with."""
    graph = import_graph()
    assert "accounts" in graph["trainers"] and "trainers" not in graph["accounts"]
