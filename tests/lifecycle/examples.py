"""Worked examples in YAML (tests/lifecycle/cases/*.yaml) turned into canonical frames and checks.

A case file holds ``data`` (entity -> list of rows, as a CRM export would after mapping; ``data:
shop`` reuses the rows of shop.yaml) and ``cases``: each with an ``id``, optional ``filters``
(start, end, and dimension lists), other arguments, and ``expect``: the full result, row by row,
on the columns given (null = no value).
"""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from core.query import Filters
from core.yamlio import load_yaml
from data.schema import entity

CASES_DIR = Path(__file__).resolve().parent / "cases"


def load_cases(name: str) -> tuple[dict, list]:
    raw = load_yaml(CASES_DIR / f"{name}.yaml")
    data = raw.get("data", {})
    if isinstance(data, str):  # the name of a shared data file, e.g. ``data: shop``
        data = load_yaml(CASES_DIR / f"{data}.yaml")["data"]
    return data, raw["cases"]


def params(name: str) -> list:
    data, cases = load_cases(name)
    return [pytest.param(data, case, id=case["id"]) for case in cases]


def frames(data: dict) -> dict[str, pd.DataFrame]:
    """Canonical frames (dtypes from config/entities.yaml) from rows."""
    out = {}
    for name, rows in data.items():
        schema = entity(name)
        frame = pd.DataFrame(rows or [], columns=list(schema.field_names) if not rows else None)
        for column in frame.columns:
            dtype = schema.field(column).type.pandas_dtype
            if dtype.startswith("datetime"):
                frame[column] = pd.to_datetime(frame[column]).astype(dtype)
            elif dtype == "string":
                frame[column] = frame[column].astype("object").where(frame[column].notna(), None).astype("string")
            else:
                frame[column] = frame[column].astype("object").where(frame[column].notna(), None).astype(dtype)
        out[name] = frame
    return out


def filters_of(raw: dict | None) -> Filters:
    raw = dict(raw or {})
    start, end = raw.pop("start", None), raw.pop("end", None)
    return Filters.of(_day(start), _day(end), **{k: [str(v) for v in vs] for k, vs in raw.items()})


def _day(value) -> date | None:
    return date.fromisoformat(str(value)) if value is not None else None


def assert_rows(result: pd.DataFrame, expect: list[dict]) -> None:
    """``result`` has exactly the expected rows in order; each given column matches (floats to 1e-9)."""
    got = result.reset_index(drop=True)
    assert len(got) == len(expect), f"{len(got)} rows, expected {len(expect)}:\n{got.to_string()}"
    for i, row in enumerate(expect):
        for column, want in row.items():
            value = got.at[i, column]
            where = f"row {i} ({dict(list(row.items())[:2])}), column {column}: got {value!r}, expected {want!r}"
            if want is None:
                assert value is pd.NA or value is None or (isinstance(value, float) and math.isnan(value)), where
            elif isinstance(want, (int, float)) and not isinstance(want, bool):
                assert float(value) == pytest.approx(float(want), rel=1e-9, abs=1e-9), where
            else:
                assert str(value) == str(want), where
