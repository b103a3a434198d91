"""Worked examples per catalogue KPI (tests/kpis/cases/*.yaml), checked on the engine and the reference."""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from core.query import Filters
from core.yamlio import load_yaml
from kpis.catalogue import load_catalogue
from kpis.engine import compute
from kpis.reference import compute_reference
from tests.kpis.frames import canonical_frames

CASES_DIR = Path(__file__).parent / "cases"
CASES = [(f"{p.stem}: {c['name']}", c) for p in sorted(CASES_DIR.glob("*.yaml")) for c in load_yaml(p)["cases"]]
IMPLEMENTATIONS = {"engine": compute, "reference": compute_reference}


def _day(value) -> date | None:
    return None if value is None else value if isinstance(value, date) else date.fromisoformat(str(value))


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_worked_example(name: str, case: dict, implementation: str) -> None:
    frames = canonical_frames(case.get("data") or {})
    filters = Filters.of(_day(case.get("from")), _day(case.get("to")), **(case.get("filter") or {}))
    result = IMPLEMENTATIONS[implementation](frames, case["kpi"], by=case.get("by", ()), period=case.get("period"),
                                             filters=filters, external=case.get("external"))
    expected = case["expect"]
    assert len(result) == len(expected), result.to_string()
    for got, want in zip(result.to_dict("records"), expected):
        for column, value in want.items():
            actual = got[column]
            if value is None:
                assert actual is pd.NA or actual is None or (isinstance(actual, float) and math.isnan(actual)), \
                    f"{column}: expected empty, got {actual!r}"
            elif isinstance(value, str):
                assert actual == value, f"{column}: {actual!r} != {value!r}"
            else:
                assert actual == pytest.approx(value, rel=1e-9), f"{column}: {actual!r} != {value!r}"


def test_every_catalogue_kpi_has_a_worked_example() -> None:
    covered = {k for _, c in CASES for k in c["kpi"]}
    assert set(load_catalogue().ids) <= covered, set(load_catalogue().ids) - covered
