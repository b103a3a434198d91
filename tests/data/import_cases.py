"""Helpers for the import tests: worked-example YAML cases live in ``cases/``."""
from __future__ import annotations

from pathlib import Path

import yaml

CASES = Path(__file__).resolve().parent / "cases"


def load_cases(name: str):
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
