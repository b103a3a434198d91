"""The core stays pure: only the UI edge imports Streamlit, and nothing in the core imports the UI."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ["core", "data", "kpis", "assessment", "scorecards", "lifecycle", "charts", "reports", "storage", "auth",
                 "services"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _core_files() -> list[Path]:
    files = [p for pkg in CORE_PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    return files + [ROOT / "cli.py"]


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
