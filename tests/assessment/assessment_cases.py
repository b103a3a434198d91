"""Helpers for the assessment tests: paths, the worked-example cases, answers written as text lines."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
MODELS = ROOT / "config" / "models"


def answers_frame(text: str) -> pd.DataFrame:
    """'question participant value' lines -> the answers frame (value n/a = not applicable)."""
    rows = [line.split() for line in text.strip().splitlines() if line.strip()]
    return pd.DataFrame({
        "question_id": [r[0] for r in rows],
        "participant": [r[1] for r in rows],
        "value": [None if r[2] == "n/a" else float(r[2]) for r in rows],
        "not_applicable": [r[2] == "n/a" for r in rows],
    })


def scoring_cases() -> list:
    return [pytest.param(c, id=c["name"]) for c in load_yaml(CASES / "scoring.yaml")]
