"""On the demo dataset every lifecycle view has numbers and every lifecycle chart renders them."""
from __future__ import annotations

from datetime import date

import pytest

from charts.bar import bar
from charts.funnel import funnel as funnel_chart
from charts.heatmap import heatmap
from charts.line import line
from charts.matrix import matrix
from core.query import Filters
from data import demo
from lifecycle.channels import channel_economics, channel_sales, segment_channel
from lifecycle.clv import lifetime_value
from lifecycle.cohorts import cohort_retention
from lifecycle.funnel import funnel
from lifecycle.stages import KPIS, stage_kpis


@pytest.fixture(scope="module")
def source():
    return demo.generate(customers=400, seed=3)


def test_views_and_charts_on_demo_data(source):
    orders = source["orders"]["order_date"].dropna()
    last = orders.max().date()
    year = Filters.of(date(last.year - 1, 1, 1), date(last.year, 1, 1))

    steps = funnel(source, year)
    assert (steps["count"] > 0).all(), steps
    assert list(funnel_chart(steps, "de").data[0].x) == steps["count"].tolist()

    kpis = stage_kpis(source, year, "quarter")
    assert set(kpis["kpi"]) == set(KPIS)
    assert kpis["value"].between(0, 1).all()
    fig = line(kpis, "de", percent=True)
    assert sum(len(t.y) for t in fig.data) == len(kpis)

    cohorts = cohort_retention(source, year)
    assert (cohorts.loc[cohorts["months_since"] == 0, "retention"] == 1.0).all()
    assert cohorts["retention"].between(0, 1).all()
    grid = heatmap(cohorts, "months_since", "cohort", "retention", "de", percent=True).data[0]
    assert len(grid.y) == cohorts["cohort"].nunique()

    sales = channel_sales(source, year, "quarter")
    assert sales["revenue"].sum() == pytest.approx(
        source["orders"].loc[source["orders"]["order_date"].dt.year == last.year - 1, "revenue"].sum())
    assert sum(sum(t.y) for t in bar(sales, "period", "revenue", "de", stack="channel").data) == pytest.approx(
        sales["revenue"].sum())

    economics = channel_economics(source, year)
    assert (economics["contacts"] > 0).all() and economics["response_rate"].between(0, 1).all()
    cells = segment_channel(source, year)
    assert cells["contacts"].sum() == economics["contacts"].sum()
    assert len(matrix(cells, "de").data[0].x) == len(cells)

    value = lifetime_value(source, Filters(), "segment")
    assert value["customers"].sum() == source["customers"]["customer_id"].nunique()
