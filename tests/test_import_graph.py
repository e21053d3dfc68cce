"""No import cycle in the package.

The graph is read from the source with ``ast``: every ``import`` and ``from … import`` in
``edition/**/*.py``, at module level and inside functions alike (an import inside a
function only delays the cycle to the first call).  Imports under ``if TYPE_CHECKING:``
are left out: they name types for mypy and never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "edition"


def modules(package: Path = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__)."""
    out = {}
    for f in sorted(package.rglob("*.py")):
        parts = list(f.relative_to(package.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (f, is_pkg)
    return out


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports_of(name: str, path: Path, is_pkg: bool, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports (a package's submodule when it is named)."""

    def nearest(target: str) -> str | None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target or None

    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                for other in child.orelse:  # the else branch does run
                    visit(other)
                continue
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[:len(base) - (child.level - 1)]
                    module = ".".join(base + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                targets = [module] + [f"{module}.{a.name}" for a in child.names
                                      if f"{module}.{a.name}" in known]
            for t in targets:
                hit = nearest(t)
                if hit and hit != name:
                    found.add(hit)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    mods = modules(package)
    return {m: imports_of(m, f, is_pkg, set(mods)) for m, (f, is_pkg) in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 50 and graph["edition.pipeline"]  # the graph was read
    found = cycles(graph)
    detail = "\n".join(" <-> ".join(c) + ": " + "; ".join(
        f"{a} imports {', '.join(sorted(graph[a] & set(c)))}" for a in c) for c in found)
    assert not found, "import cycles:\n" + detail


def test_the_cycle_finder_finds_one(tmp_path):
    pkg = tmp_path / "edition"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..a import x\n")  # inside a function
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    (pkg / "d.py").write_text("import edition.c\n")
    graph = import_graph(pkg)
    assert graph["edition.c"] == set() and graph["edition.d"] == {"edition.c"}
    assert cycles(graph) == [["edition.a", "edition.sub.b"]]


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for w in graph.get(todo.pop(), ()):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


# read (project) -> parse -> transforms -> renderers -> pipeline -> cli: no stage reaches a later one
EARLY = ["edition.model", "edition.project", "edition.parse", "edition.diagnostics"]
LATER = ("edition.pipeline", "edition.cli", "edition.check")


def test_the_stages_reach_only_earlier_stages():
    graph = import_graph()
    for m in EARLY + [m for m in graph if m.startswith("edition.transforms.")]:
        bad = sorted(w for w in _reach(graph, m) if w.startswith("edition.render") or w in LATER)
        assert not bad, f"{m} (an early stage) imports {bad}"
    for m in (m for m in graph if m.startswith("edition.render.")):
        bad = sorted(w for w in _reach(graph, m) if w in LATER)
        assert not bad, f"{m} (a renderer) imports {bad}"


def test_every_module_imports_alone():
    """Each module of the package imported in a fresh state of the package (third-party
    libraries stay loaded, so this is quick): none depends on another having been imported
    first, and none fails at import (a cycle at import time would)."""
    import subprocess
    import sys

    names = sorted(m for m in modules() if not m.endswith("__main__"))
    code = (
        "import importlib, sys\n"
        f"names = {names!r}\n"
        "bad = []\n"
        "for n in names:\n"
        "    for k in [k for k in sys.modules if k == 'edition' or k.startswith('edition.')]:\n"
        "        del sys.modules[k]\n"
        "    try:\n"
        "        importlib.import_module(n)\n"
        "    except Exception as exc:\n"
        "        bad.append(f'{n}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
