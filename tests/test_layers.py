"""The import-layer contract of docs/architecture.md, as a test: walk every import (module level
and inside functions) with ``ast`` and refuse the arrows the architecture forbids. The second test
shows it failing on a deliberately bad fixture module."""
from __future__ import annotations

from pathlib import Path

from tests.import_graph import imported_packages

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ("kpis", "lifecycle", "scorecards", "assessment", "reports", "charts", "definitions", "sources", "analytics")
# (package or file prefix, forbidden top-level packages, why)
RULES = (
    ("storage/", DOMAIN + ("services", "usecases", "ui", "cli"), "storage is below the domain: it stores, never computes"),
    ("core/", DOMAIN + ("data", "storage", "services", "usecases", "ui", "cli", "auth"), "core imports nothing of ours"),
    ("ui/", ("storage", "cli"), "the UI reaches data only through use cases"),
    ("ui/pages/", ("services", "storage", "cli"), "pages call use cases only"),
    ("usecases/", ("ui", "cli"), "use cases serve the UI and the CLI, never import them"),
    ("services/", ("ui", "usecases", "cli"), "services sit below the use cases"),
)
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()  # none: the sign-in gate asks usecases.identity


def violations(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".venv/", "tests/", "benchmarks/")):
            continue
        names = imported_packages(path)
        for prefix, forbidden, why in RULES:
            if rel.startswith(prefix):
                found += [f"{rel} imports {name}: {why}" for name in sorted(names & set(forbidden))
                          if (rel, name) not in KNOWN_EXCEPTIONS]
    return found


def test_the_layer_contract_holds():
    assert violations(ROOT) == []


def test_the_contract_catches_a_bad_module(tmp_path):
    bad = tmp_path / "storage" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("def f():\n    from kpis.engine import compute\n    return compute\n", encoding="utf-8")
    page = tmp_path / "ui" / "pages" / "bad_page.py"
    page.parent.mkdir(parents=True)
    page.write_text("from storage.clients import list_clients\n", encoding="utf-8")
    assert violations(tmp_path) == [
        "storage/bad.py imports kpis: storage is below the domain: it stores, never computes",
        "ui/pages/bad_page.py imports storage: the UI reaches data only through use cases",
        "ui/pages/bad_page.py imports storage: pages call use cases only",
    ]
