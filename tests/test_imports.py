"""The package has floors, not a circle: no module of alpaca_abm imports itself back.

The graph is built from the source (ast), so it sees every import: at module level, inside
functions and under `if TYPE_CHECKING:`. Each edge is module -> module inside alpaca_abm.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import alpaca_abm

PACKAGE = Path(alpaca_abm.__file__).parent


def module_name(path: Path) -> str:
    """Dotted name of a source file of the package (a package's __init__ is the package)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """Modules of alpaca_abm that one module's source imports, anywhere in it."""
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found |= {f"{module}.{a.name}" for a in node.names}  # `from . import trading`
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports (only names that are modules)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        targets = imported(tree, name, path.name == "__init__.py")
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first search, sorted for stability)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def package_graph() -> dict[str, set[str]]:
    """The import graph without the package's __init__ (it re-exports; `from . import
    __version__` reads metadata), names shortened to the part after `alpaca_abm.`."""
    graph = import_graph()
    graph.pop("alpaca_abm", None)
    short = lambda m: m.removeprefix("alpaca_abm.")  # noqa: E731
    return {short(m): {short(t) for t in ts if t != "alpaca_abm"} for m, ts in graph.items()}


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Groups of modules that reach each other through imports (strongly connected)."""
    g = nx.DiGraph([(m, t) for m, ts in graph.items() for t in ts])
    g.add_nodes_from(graph)
    return [frozenset(c) for c in nx.strongly_connected_components(g) if len(c) > 1]


def test_no_import_cycle() -> None:
    """No module of alpaca_abm imports (even under TYPE_CHECKING or in a function) a module
    that imports it back, the sweep package included; each failure names a cycle."""
    graph = package_graph()
    messages = []
    for group in circles(graph):
        sub = {m: graph[m] & group for m in group}
        messages.append("import cycle: " + " -> ".join(find_cycle(sub) or sorted(group)))
    assert not messages, "\n".join(messages)


def test_the_core_has_floors() -> None:
    """The mechanisms never import the model, and the tables import no mechanism."""
    graph = package_graph()
    mechanisms = {
        "breeding", "trading", "partnering", "finance", "world", "disease", "shearing",
        "shocks", "knowledge", "rivalry", "life",
    }  # fmt: skip
    tables = {"herd", "breeder", "coownership", "trust", "market", "accounts", "fleece"}
    for name in mechanisms | tables:
        assert "model" not in graph[name], f"{name} imports the model"
    for name in tables:
        assert not graph[name] & mechanisms, f"table {name} imports {graph[name] & mechanisms}"


def test_the_graph_sees_every_kind_of_import() -> None:
    """A cycle hidden in a function or under TYPE_CHECKING is still a cycle."""
    src = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .b import B\n"
        "def f():\n    from . import c\n"
        "import alpaca_abm.d\n"
    )
    found = imported(ast.parse(src), "alpaca_abm.a", False)
    assert {"alpaca_abm.b", "alpaca_abm.c", "alpaca_abm.d"} <= found
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
