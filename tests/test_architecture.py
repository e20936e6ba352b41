"""The house's rules, read from the code with `ast`: arrows point down, SQL lives in the store.

cli → app → stages / output → lang / models;  app → store → models
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

#: Layers from the top down; a module may import its own layer or any layer below it.
#: (lang/ and the base modules — models, errors — are one floor: models keys terms with lang.keys.)
LAYERS = ["cli", "app", "output", "stages", "store", "base"]
#: Top-level modules that are not layer folders: where each stands.
TOP_LEVEL = {"__main__": "cli", "web": "cli", "app": "app", "workspace": "app"}
SQL_LIBRARIES = {"sqlite3", "sqlite_utils"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


@functools.cache
def parsed(path: Path) -> ast.Module:
    """Each module parsed once for all the tests here (the trees are only read)."""
    return ast.parse(path.read_text("utf-8"))


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of the nodes under `if TYPE_CHECKING:`: imported for type hints, never run."""
    hidden = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            hidden |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return hidden


def imports(path: Path, name: str) -> set[str]:
    """Every module this file imports when it runs, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = parsed(path)
    hidden = _type_checking_only(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return found


@functools.cache
def internal_graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: {m for m in imports(path, name) if m in mods and m != name} for name, path in mods.items()}


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    head = parts[1]
    return TOP_LEVEL.get(head) or (head if head in LAYERS else "base")  # lang → base


def test_no_import_cycle():
    graph = internal_graph()
    # A package's __init__ re-exporting its own modules is not a cycle between modules.
    edges = {
        src: {dst for dst in dsts if not (src == dst.rpartition(".")[0] or dst == src.rpartition(".")[0])}
        for src, dsts in graph.items()
    }
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        seen[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if seen.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if nxt not in seen:
                visit(nxt)
        stack.pop()
        seen[node] = 2

    for node in sorted(edges):
        if node not in seen:
            visit(node)


def test_arrows_point_down():
    wrong = []
    for src, dsts in internal_graph().items():
        for dst in dsts:
            up = LAYERS.index(layer(dst)) < LAYERS.index(layer(src))
            allowed = layer(src) == "cli" or (layer(src) == "app" and layer(dst) != "cli")
            if up and not allowed:
                wrong.append(f"{src} → {dst}")
    assert not wrong, "imports that point up: " + ", ".join(sorted(wrong))


def test_only_the_store_touches_sql():
    offenders = []
    for name, path in modules().items():
        if layer(name) == "store":
            continue
        if {m.split(".")[0] for m in imports(path, name)} & SQL_LIBRARIES:
            offenders.append(f"{name} imports sqlite")
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                words = node.value.lower().split()
                if (
                    words[:1]
                    and words[0] in ("select", "insert", "update", "delete", "create")
                    and ("from" in words or "into" in words or "table" in words or "set" in words)
                ):
                    offenders.append(f"{name} holds SQL: {node.value.strip()[:40]!r}")
    assert not offenders, "; ".join(offenders)


def test_modules_stay_small():
    long = {name: n for name, p in modules().items() if (n := len(p.read_text("utf-8").splitlines())) > 520}
    assert not long, f"modules over ~500 lines: {long}"


def test_functions_stay_short():
    """No function over ~80 lines, unless a `# long: <why>` comment right above it says why."""
    long = []
    for name, path in modules().items():
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                size = node.end_lineno - node.lineno + 1
                if size > 80 and not lines[first - 2].strip().startswith("# long:"):
                    long.append(f"{name}.{node.name} ({size} lines)")
    assert not long, "functions over ~80 lines: " + ", ".join(long)
