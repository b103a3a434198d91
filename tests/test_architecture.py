"""The core stays pure: only the UI edge imports Streamlit, and nothing in the core imports the UI."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.import_graph import imported_packages as _imports

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ["core", "data", "kpis", "assessment", "scorecards", "lifecycle", "charts", "reports", "storage", "auth",
                 "services"]


def _core_files() -> list[Path]:
    files = [p for pkg in CORE_PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return files + [ROOT / "cli.py", *sorted((ROOT / "cli").glob("*.py"))]


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_does_not_import_streamlit_or_ui(path):
    bad = _imports(path) & {"streamlit", "ui", "app"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}; only app.py and ui/ may"


def test_the_checker_would_catch_a_violation(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import os\nfrom streamlit import cache_data\n")
    assert "streamlit" in _imports(sample)


def test_cli_help_imports_no_heavy_library():
    """``python cli.py --help`` must stay fast: no pandas/duckdb/streamlit at import time."""
    import subprocess
    import sys

    code = ("import sys, cli; cli.build_parser(); "
            "print(','.join(m for m in ('pandas','duckdb','streamlit','plotly','openpyxl','sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"cli --help imports {out.stdout.strip()}"


# What the domain packages' old ``commands.py`` modules held for library code now lives here
# (``kpis.catalogue.known_kpis``, ``lifecycle.views.compute_view``), imported at module level.
MOVED_FROM_COMMANDS = ["cli.py", "kpis/catalogue.py", "lifecycle/views.py"]


def _local_imports(path: Path) -> list[str]:
    """``file:line module`` of every import inside a function (or lambda) body."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for func in ast.walk(tree):
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for node in ast.walk(func):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    found.add(f"{path.name}:{node.lineno} {name}")
    return sorted(found)


def _modules_outside_cli() -> list[Path]:
    """Every module of the project but the ``cli/`` package, its entry point and the tests."""
    skip = {"cli", "tests"}
    tops = [p for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name not in skip]
    return [*(f for top in tops for f in top.rglob("*.py")), *(f for f in ROOT.glob("*.py") if f.name != "cli.py")]


def test_only_the_cli_package_imports_lazily_and_nothing_imports_it():
    """Item 4 of issue 13: the command modules left the domain packages for ``cli/``; what library
    code used from them moved to module-level homes; the library never reaches back into ``cli``."""
    leftovers = sorted(str(p.relative_to(ROOT)) for pkg in CORE_PACKAGES for p in (ROOT / pkg).glob("commands.py"))
    assert leftovers == [], f"command modules outside cli/: {leftovers}"
    local = [hit for name in MOVED_FROM_COMMANDS for hit in _local_imports(ROOT / name)]
    assert local == [], f"function-local imports outside cli/: {local}"
    assert _local_imports(ROOT / "cli" / "scorecard.py"), "the cli package is where imports wait for the command"
    reaching = sorted(str(p.relative_to(ROOT)) for p in _modules_outside_cli() if "cli" in _imports(p))
    assert reaching == [], f"{reaching} import the cli package; move what they need into a domain module"


# Function-local imports of the project's own packages outside cli/: each one breaks a real
# circle that module-level imports cannot express (core.i18n loads its table with core.yamlio, whose
# errors are translated by core.i18n). Third-party libraries may wait for first use (pyarrow, duckdb,
# statsmodels, alembic, calamine): the app's first page and ``cli.py --help`` must not pay for them.
CIRCLE_BREAKERS = {"i18n.py core.yamlio"}
PROJECT = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() or p.suffix == ".py"}


def _project_local_imports(path: Path) -> list[str]:
    hits = [hit.split(":")[0] + " " + hit.split(" ", 1)[1] for hit in _local_imports(path)]
    return [hit for hit in hits if hit.split(" ", 1)[1].split(".")[0] in PROJECT and hit not in CIRCLE_BREAKERS]


def test_no_module_outside_cli_imports_the_project_inside_a_function():
    """Item 4 of issue 13: module-level imports everywhere but ``cli/``, so the import graph is the
    one ``tests/test_layers.py`` checks, not a hidden second one."""
    modules = [p for p in _modules_outside_cli() if p.parts[len(ROOT.parts)] != "benchmarks"]  # runners, like cli/
    local = sorted(f"{p.relative_to(ROOT)}: {hit}" for p in modules for hit in _project_local_imports(p))
    assert local == [], f"function-local imports of project modules: {local}"


def test_the_lazy_import_checker_would_catch_a_violation(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text("import os\n\n\ndef compute_view():\n    from lifecycle import funnel\n    return funnel\n\n"
                   "handler = lambda: __import__('x')\n")
    assert _local_imports(bad) == ["views.py:5 lifecycle"]
    assert _project_local_imports(bad) == ["views.py lifecycle"]
    user = tmp_path / "page.py"
    user.write_text("from cli.scorecard import render_table\n")
    assert "cli" in _imports(user)


MODULE_LINES, PAGE_LINES = 300, 80


def _too_long(paths: list[Path], limit: int) -> list[str]:
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    return sorted(f"{p.relative_to(ROOT) if p.is_relative_to(ROOT) else p.name}: {n} lines"
                  for p, n in sizes.items() if n > limit)


def test_no_module_over_300_lines_and_no_page_over_80():
    """Must-show 4 of issue 13. Migrations are exempt: they are frozen history, never edited, and a
    database that ran revision 0001 must find it unchanged."""
    modules = [p for p in _modules_outside_cli() if "migrations" not in p.parts]
    modules += sorted((ROOT / "cli").glob("*.py"))
    assert _too_long(modules, MODULE_LINES) == []
    assert _too_long(sorted((ROOT / "ui" / "pages").glob("*.py")), PAGE_LINES) == []


def test_the_size_check_would_catch_a_long_module(tmp_path):
    long = tmp_path / "long.py"
    long.write_text("x = 1\n" * 301)
    short = tmp_path / "short.py"
    short.write_text("x = 1\n" * 300)
    assert _too_long([long, short], MODULE_LINES) == ["long.py: 301 lines"]
