"""The query package's import rules: storage knows no KPIs, lifecycle or query code, and the KPI
engine and the aggregates do not import each other (no circle; walked with ``ast``, imports anywhere in a
module, function-local ones included)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports (full dotted names), at any depth of the module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _reaches(names: set[str], package: str) -> bool:
    return any(n == package or n.startswith(package + ".") for n in names)


@pytest.mark.parametrize("path", sorted((ROOT / "storage").rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_storage_imports_no_kpis_lifecycle_or_sources(path):
    bad = [p for p in ("kpis", "lifecycle", "sources") if _reaches(imported_modules(path), p)]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}: storage stays below the query package"


def test_aggregates_do_not_import_the_engine():
    names = imported_modules(ROOT / "kpis" / "aggregates.py")
    assert not _reaches(names, "kpis.engine"), "kpis.aggregates imports kpis.engine: the engine reads the aggregates"


def _graph(packages: tuple[str, ...]) -> dict[str, set[str]]:
    """module -> the modules of ``packages`` it imports (``from kpis import prebuild`` counts)."""
    modules = {p.relative_to(ROOT).with_suffix("").as_posix().replace("/", "."): p
               for pkg in packages for p in (ROOT / pkg).rglob("*.py")}
    return {m: {n.removesuffix(".__init__") for n in imported_modules(p) if n in modules or n + ".__init__" in modules}
            - {m} for m, p in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_no_import_cycle_in_the_query_stack():
    """The engine, the aggregates, their builder, the query package and the lifecycle views form
    a graph without circles (the engine <-> aggregates circle is gone)."""
    cycle = _cycle(_graph(("kpis", "sources", "lifecycle")))
    assert cycle is None, " -> ".join(cycle)


def test_the_rules_would_catch_a_violation(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("def hook():\n    from kpis.aggregates import build\n    import lifecycle.views\n")
    names = imported_modules(sample)
    assert _reaches(names, "kpis") and _reaches(names, "lifecycle") and _reaches(names, "kpis.aggregates")
    assert not _reaches(names, "kpi")
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
