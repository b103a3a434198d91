"""Fixtures for the assessment tests: the two shipped models."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # lets the test modules import assessment_cases
    sys.path.insert(0, str(HERE))

MODELS = Path(__file__).resolve().parents[2] / "config" / "models"


@pytest.fixture(scope="session")
def default_model():
    from assessment.loader import load_model

    return load_model(MODELS / "crm_default.yaml")


@pytest.fixture(scope="session")
def foreign_model():
    from assessment.loader import load_model

    return load_model(MODELS / "example_foreign.yaml")
