"""The lifecycle views against hand-computed worked examples (cases/*.yaml on shop.yaml)."""
from __future__ import annotations

import pytest

from lifecycle.channels import channel_economics, channel_sales, segment_channel
from lifecycle.clv import lifetime_value
from lifecycle.cohorts import cohort_matrix, cohort_retention
from lifecycle.funnel import funnel
from lifecycle.stages import stage_kpis
from tests.lifecycle.examples import assert_rows, filters_of, frames, load_cases, params


@pytest.mark.parametrize("data, case", params("funnel") + params("funnel_timing"))
def test_funnel(data, case):
    assert_rows(funnel(frames(data), filters_of(case.get("filters"))), case["expect"])


@pytest.mark.parametrize("data, case", params("stages"))
def test_stage_kpis_fallback_sql(data, case):
    result = stage_kpis(frames(data), filters_of(case.get("filters")), case.get("granularity", "month"),
                        use_engine=False)
    assert_rows(result, case["expect"])


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


@pytest.mark.parametrize("dims", [{"campaign_id": ["K1"]}, {"region": ["Nord"]}, {"channel": ["web"]}],
                         ids=["campaign", "region", "channel"])
def test_engine_and_fallback_agree_under_filters(dims):
    """Every period the fallback reports, the engine reports with the same numerator and denominator."""
    data, _ = load_cases("stages")
    source, filters = frames(data), filters_of(dims)
    fallback = stage_kpis(source, filters, "month", use_engine=False)
    engine = stage_kpis(source, filters, "month")
    both = fallback.merge(engine, on=["kpi", "period"], how="left", suffixes=("", "_engine"))
    assert len(fallback) >= 10
    assert (both["numerator"] == both["numerator_engine"]).all(), both.to_string()
    assert (both["denominator"] == both["denominator_engine"]).all(), both.to_string()
