"""Scorecard evaluation: roll-up worked examples (cases/rollup.yaml), history, trend, snapshots."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InputError
from scorecards.evaluation import compare_snapshots, evaluate
from scorecards.loader import parse_scorecard
from scorecards.rules import Status

ROLLUP = yaml.safe_load((Path(__file__).parent / "cases" / "rollup.yaml").read_text(encoding="utf-8"))
CARD = parse_scorecard(ROLLUP["scorecard"], "rollup.yaml")


def _frame(values: dict, period: str = "2024-Q1") -> pd.DataFrame:
    return pd.DataFrame({"kpi": list(values), "period": [period] * len(values),
                         "value": [float(v) for v in values.values()]})


def _check(got_score, got_status, expected):
    score, status = expected
    assert got_status is Status(status)
    if score is None:
        assert got_score is None
    else:
        assert got_score == pytest.approx(score, abs=1e-9)


@pytest.mark.parametrize("case", ROLLUP["cases"], ids=[c["name"] for c in ROLLUP["cases"]])
def test_rollup(case):
    result = evaluate(CARD, _frame(case["actuals"]), "2024-Q1", manual=_frame(case["manual"]))
    for kpi, expected in case["kpis"].items():
        _check(result.kpi(kpi).achievement, result.kpi(kpi).status, expected)
    for objective, expected in case["objectives"].items():
        _check(result.objective(objective).score, result.objective(objective).status, expected)
    for perspective, expected in case["perspectives"].items():
        _check(result.perspective(perspective).score, result.perspective(perspective).status, expected)
    _check(result.score, result.status, case["overall"])


def _history() -> pd.DataFrame:
    """Churn over five quarters (with numerator/denominator), revenue in two, a breakdown-free table."""
    rows = [("churn_rate", "2023-Q1", 0.08, 8, 100), ("churn_rate", "2023-Q2", 0.075, 9, 120),
            ("churn_rate", "2023-Q4", 0.07, 7, 100), ("churn_rate", "2024-Q1", 0.06, 6, 100),
            ("churn_rate", "2024-Q2", 0.03, 3, 100),  # after the period: ignored
            ("revenue", "2023-Q4", 95.0, np.nan, np.nan), ("revenue", "2024-Q1", 90.0, np.nan, np.nan),
            ("unknown_kpi", "2024-Q1", 1.0, np.nan, np.nan)]
    return pd.DataFrame(rows, columns=["kpi", "period", "value", "numerator", "denominator"])


def test_previous_trend_history_and_ratio_parts():
    result = evaluate(CARD, _history(), "2024-Q1", history_periods=5)
    churn = result.kpi("churn_rate")
    assert (churn.actual, churn.previous, churn.numerator, churn.denominator) == (0.06, 0.07, 6.0, 100.0)
    assert churn.trend.label == "down/better"
    assert churn.history == (("2023-Q1", 0.08), ("2023-Q2", 0.075), ("2023-Q3", None), ("2023-Q4", 0.07),
                             ("2024-Q1", 0.06))
    assert result.periods == ("2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1")
    revenue = result.kpi("revenue")
    assert (revenue.previous, revenue.trend.label, revenue.numerator) == (95.0, "down/worse", None)


def test_default_history_is_twelve_periods_ending_at_the_period():
    result = evaluate(CARD, _history(), "2024-Q1")
    assert result.periods[0] == "2021-Q2" and result.periods[-1] == "2024-Q1" and len(result.periods) == 12
    assert len(result.kpi("revenue").history) == 12


def test_manual_values_only_feed_manual_kpis():
    manual = pd.DataFrame({"kpi_id": ["training_hours", "revenue"], "period": ["2024-Q1", "2024-Q1"],
                           "value": [4.0, 100.0]})
    result = evaluate(CARD, None, "2024-Q1", manual=manual)
    assert result.kpi("training_hours").actual == 4.0 and result.kpi("training_hours").source == "manual"
    assert result.kpi("training_hours").achievement == pytest.approx(0.5)
    assert result.kpi("revenue").actual is None and result.kpi("revenue").status is Status.GREY
    assert result.kpi("training_hours").name.en == "Training hours"


def test_wrong_granularity_is_an_input_error():
    with pytest.raises(InputError, match="period '2024-03' is a month, but scorecard 'mini' is set per quarter"):
        evaluate(CARD, _history(), "2024-03")


def test_a_breakdown_table_is_refused():
    rows = pd.DataFrame({"kpi": ["revenue", "revenue"], "period": ["2024-Q1"] * 2, "value": [1.0, 2.0],
                         "channel": ["web", "phone"]})
    with pytest.raises(InputError, match="2 rows share a KPI and period, e.g. revenue 2024-Q1"):
        evaluate(CARD, rows, "2024-Q1")


def test_missing_columns_are_an_input_error():
    with pytest.raises(InputError, match=r"actuals: missing column\(s\) \['value'\]"):
        evaluate(CARD, pd.DataFrame({"kpi": ["revenue"], "period": ["2024-Q1"]}), "2024-Q1")


def test_to_dict_is_strict_json_and_to_frame_one_row_per_kpi():
    result = evaluate(CARD, _history(), "2024-Q1", history_periods=3)
    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert payload["period"] == "2024-Q1" and payload["scorecard"] == "mini"
    churn = next(k for k in payload["kpis"] if k["kpi"] == "churn_rate")
    assert churn["history"] == [["2023-Q3", None], ["2023-Q4", 0.07], ["2024-Q1", 0.06]]
    assert (churn["status"], churn["trend"], churn["trend_verdict"]) == ("amber", "down", "better")
    frame = result.to_frame()
    assert list(frame["kpi"]) == ["revenue", "average_deal_size", "cost_per_response", "churn_rate", "training_hours"]
    assert frame["actual"].dtype == "float64" and math.isnan(frame.loc[1, "actual"])
    assert list(frame["status"]) == ["amber", "grey", "grey", "amber", "grey"]


def test_compare_snapshots():
    a = evaluate(CARD, _history(), "2023-Q4").to_dict()
    b = evaluate(CARD, _history(), "2024-Q1").to_dict()
    diff = compare_snapshots(a, b).set_index("kpi")
    assert diff.loc["churn_rate", "actual_a"] == 0.07 and diff.loc["churn_rate", "actual_b"] == 0.06
    assert diff.loc["churn_rate", "actual_delta"] == pytest.approx(-0.01)
    assert diff.loc["churn_rate", "achievement_delta"] == pytest.approx(1 / 3)  # 1/3 -> 2/3
    assert (diff.loc["revenue", "status_a"], diff.loc["revenue", "status_b"]) == ("green", "amber")
    assert diff.loc["revenue", "status_changed"] and not diff.loc["training_hours", "status_changed"]
    b["kpis"] = [k for k in b["kpis"] if k["kpi"] != "revenue"]
    diff = compare_snapshots(a, b).set_index("kpi")
    assert math.isnan(diff.loc["revenue", "actual_b"]) and diff.loc["revenue", "status_b"] == "grey"


def test_an_undated_external_value_counts_for_the_evaluated_period():
    rows = pd.DataFrame({"kpi": ["revenue", "churn_rate", "churn_rate"], "period": [None, None, "2024-Q1"],
                         "value": [90.0, 0.02, 0.06]}).astype({"period": "string"})
    result = evaluate(CARD, rows, "2024-Q1")
    assert result.kpi("revenue").actual == 90.0 and result.kpi("revenue").previous is None
    assert result.kpi("churn_rate").actual == 0.06  # a dated row for the period wins


_KPIS = ["revenue", "average_deal_size", "cost_per_response", "churn_rate"]
_maybe = st.one_of(st.none(), st.floats(min_value=-1000, max_value=1000, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(values=st.lists(_maybe, min_size=4, max_size=4), which=st.integers(0, 3), step=st.floats(0, 100))
def test_a_better_actual_never_lowers_a_roll_up_score(values, which, step):
    def run(vals):
        known = {k: v for k, v in zip(_KPIS, vals) if v is not None}
        return evaluate(CARD, _frame(known), "2024-Q1")

    before = run(values)
    if values[which] is None:
        return
    better = list(values)
    better[which] += step if CARD.kpis[which].direction.higher else -step
    after = run(better)
    for level in ("objectives", "perspectives"):
        for b, a in zip(getattr(before, level), getattr(after, level)):
            assert (b.score is None) == (a.score is None)
            assert b.score is None or a.score >= b.score - 1e-12
            assert b.score is None or 0.0 <= a.score <= 1.0
    assert before.score is None or after.score >= before.score - 1e-12
