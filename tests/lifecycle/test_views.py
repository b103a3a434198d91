"""The lifecycle views against hand-computed worked examples (cases/*.yaml on shop.yaml)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpis.catalogue import load_catalogue
from kpis.engine import compute

from lifecycle.channels import channel_economics, channel_sales, segment_channel
from lifecycle.clv import lifetime_value
from lifecycle.cohorts import cohort_matrix, cohort_retention
from lifecycle.funnel import funnel
from lifecycle.stages import KPIS, stage_kpis
from tests.lifecycle.examples import assert_rows, filters_of, frames, load_cases, params

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("data, case", params("funnel") + params("funnel_timing"))
def test_funnel(data, case):
    assert_rows(funnel(frames(data), filters_of(case.get("filters"))), case["expect"])


@pytest.mark.parametrize("data, case", params("stages"))
def test_stage_kpis_engine_agrees_with_the_worked_examples(data, case):
    """The engine gives the same numbers where the worked example has a row; it adds churn rows for
    periods without churn (0 of the active customers), and may differ on customers acquired and
    churned in the same period (reported in the case as ``engine_differs``)."""
    result = stage_kpis(frames(data), filters_of(case.get("filters")), case.get("granularity", "month"))
    expected = {(row["kpi"], str(row["period"])): row for row in case["expect"]}
    got = {(r.kpi, r.period): r for r in result.itertuples()}
    differs = {tuple(d) for d in case.get("engine_differs", [])}
    for key, row in expected.items():
        assert key in got, key
        if key in differs:
            continue
        for column in ("numerator", "denominator", "value"):
            if column in row:
                assert getattr(got[key], column) == pytest.approx(row[column]), (key, column)
    extra = [key for key in got if key not in expected]
    assert all(kpi == "churn_rate" and got[(kpi, period)].numerator == 0 for kpi, period in extra), extra


@pytest.mark.parametrize("data, case", params("cohorts"))
def test_cohort_retention(data, case):
    assert_rows(cohort_retention(frames(data), filters_of(case.get("filters"))), case["expect"])


@pytest.mark.parametrize("data, case", params("channels"))
def test_channels(data, case):
    source, filters = frames(data), filters_of(case.get("filters"))
    result = {
        "economics": lambda: channel_economics(source, filters),
        "segments": lambda: segment_channel(source, filters),
        "sales": lambda: channel_sales(source, filters, case.get("granularity", "month")),
    }[case["view"]]()
    assert_rows(result, case["expect"])


@pytest.mark.parametrize("data, case", params("clv"))
def test_lifetime_value(data, case):
    assert_rows(lifetime_value(frames(data), filters_of(case.get("filters")), case["by"]), case["expect"])


def test_cohort_matrix_pivots_the_tidy_frame():
    data, _ = load_cases("cohorts")
    grid = cohort_matrix(cohort_retention(frames(data)))
    assert list(grid.index) == ["2023-12", "2024-01", "2024-02"]
    assert list(grid.columns) == [0, 1, 2, 3, 4]
    assert grid.loc["2024-01", 3] == 0.5
    assert grid.loc["2024-02"].isna().sum() == 2  # months 3 and 4 not observed yet


def test_cost_unknown_stays_unknown():
    """Contacts without own cost in a campaign without cost: cost is missing, not zero."""
    data, _ = load_cases("channels")
    data = {**data, "campaigns": [{"campaign_id": "K1", "channel": "mail"}, {"campaign_id": "K2", "channel": "web"}]}
    result = channel_economics(frames(data)).set_index("channel")
    assert result.loc["web", "cost"] == 5.0  # the one contact with its own cost
    assert result["cost"].isna()["mail"]


@pytest.mark.parametrize("granularity", ["month", "quarter"])
@pytest.mark.parametrize("dims", [{}, {"campaign_id": ["K1"]}, {"region": ["Nord"]}, {"channel": ["web"]}],
                         ids=["all", "campaign", "region", "channel"])
def test_the_stages_view_is_the_engines_values(dims, granularity):
    """No second formula: every row of the view is the engine's numerator and denominator for that
    KPI and period (rows without a denominator left out), with the catalogue's stage."""
    data, _ = load_cases("stages")
    source, filters = frames(data), filters_of(dims)
    engine = compute(source, list(KPIS), period=granularity, filters=filters)
    engine = engine[engine["denominator"] > 0].reset_index(drop=True)
    stages = {k.id: k.stages[0].value for k in load_catalogue()}
    expected = pd.DataFrame({"kpi": engine["kpi"], "stage": engine["kpi"].map(stages).astype("string"),
                             "period": engine["period"], "value": engine["numerator"] / engine["denominator"],
                             "numerator": engine["numerator"], "denominator": engine["denominator"]})
    assert len(expected) >= (10 if granularity == "month" else 5)
    pd.testing.assert_frame_equal(stage_kpis(source, filters, granularity), expected)


def test_each_kpis_stage_comes_from_the_catalogue(tmp_path):
    """A catalogue that files win rate under retention shows it there (no stage table in Python)."""
    text = (ROOT / "config" / "kpis.yaml").read_text(encoding="utf-8")
    head, rest = text.split("  - id: win_rate", 1)
    rest = rest.replace("stage: acquisition", "stage: retention", 1)
    (tmp_path / "kpis.yaml").write_text(head + "  - id: win_rate" + rest, encoding="utf-8")
    data, _ = load_cases("stages")
    result = stage_kpis(frames(data), None, "month", catalogue=load_catalogue(tmp_path / "kpis.yaml"))
    assert set(result.loc[result["kpi"] == "win_rate", "stage"]) == {"retention"}
    assert set(result.loc[result["kpi"] == "churn_rate", "stage"]) == {"retention"}
