"""Formula-injection neutralisation, CSV export and sheet names (worked examples in cases.yaml)."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cells import is_risky, neutralise
from reports.cells import safe_csv
from reports.columns import Kind, number_format
from reports.excel import sheet_name

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["number_formats"], ids=lambda c: f"{c['kind']}-{c['lang']}")
def test_number_format_codes(case):
    assert number_format(Kind(case["kind"]), case["lang"]) == case["code"]


@pytest.mark.parametrize("case", CASES["injection"], ids=lambda c: repr(c["text"]))
def test_csv_neutralises_formula_starts(case):
    assert neutralise(case["text"]) == case["csv"]
    body = safe_csv(pd.DataFrame({"text": [case["text"]]}), "en").decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    assert back["text"].tolist() == [case["csv"]]


@pytest.mark.parametrize("case", CASES["sheet_names"], ids=lambda c: c["text"] or "empty")
def test_sheet_names(case):
    assert sheet_name(case["text"], case["taken"]) == case["name"]


@pytest.mark.parametrize("case", CASES["csv"], ids=lambda c: c["lang"])
def test_safe_csv_dialect(case):
    frame = pd.DataFrame({"kpi": ["Churn-Rate", "=1+1"], "value": [0.123, 1234.5]})
    assert safe_csv(frame, case["lang"]) == case["expected"].encode("utf-8")


def test_safe_csv_neutralises_headers_and_keeps_missing_blank():
    frame = pd.DataFrame({"=cmd": pd.array(["a", None], dtype="string"), "n": [1.0, float("nan")]})
    text = safe_csv(frame, "de").decode("utf-8-sig")
    assert text.splitlines() == ["'=cmd;n", "a;1,0", ";"]


@settings(deadline=None)
@given(st.text(max_size=20))
def test_neutralised_text_never_starts_risky_and_keeps_the_text(text):
    out = neutralise(text)
    assert not is_risky(out)
    assert out.endswith(text)
