"""The shipped catalogue loads; broken declarations give every problem with its exact path; formulas are sandboxed."""
from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from core.errors import ConfigError
from core.yamlio import load_yaml
from kpis.catalogue import load_catalogue, parse_catalogue
from kpis.definitions import Kind, Perspective, Stage
from kpis.formulas import check_formula, evaluate

CATALOGUE_IDS = ["campaign_response_rate", "campaign_conversion_rate", "cost_per_response", "products_sold", "revenue",
                 "win_rate", "average_deal_size", "sales_cycle_days", "new_customers", "churn_rate", "win_back_rate",
                 "repeat_purchase_rate", "cross_sell_rate", "revenue_per_customer", "customer_lifetime_value",
                 "complaint_resolution_hours", "first_contact_resolution_rate", "nps", "csat", "data_completeness",
                 "maturity_index"]
BASE = {"id": "k", "name": {"de": "K", "en": "K"}, "description": {"de": "D", "en": "D"}, "unit": "ratio",
        "direction": "higher_is_better", "stage": "acquisition", "perspective": "customer",
        "entity": "campaign_contacts", "date_field": "contacted_at", "dimensions": ["channel"],
        "parts": {"numerator": {"agg": "count", "where": {"responded": True}}, "denominator": {"agg": "count"}}}
BROKEN = load_yaml(Path(__file__).parent / "broken_kpis.yaml")


def test_shipped_catalogue_has_every_product_kpi_in_order() -> None:
    catalogue = load_catalogue()
    assert list(catalogue.ids) == CATALOGUE_IDS
    assert {k.id for k in catalogue if k.kind is Kind.EXTERNAL} == {"data_completeness", "maturity_index"}
    ratios = [k.id for k in catalogue if k.unit.value == "ratio" and k.kind is Kind.COMPUTED]
    assert all(catalogue.get(i).is_ratio for i in ratios)


def test_catalogue_by_stage_and_perspective() -> None:
    catalogue = load_catalogue()
    assert [k.id for k in catalogue.by_stage(Stage.SELECTION)] == ["new_customers"]
    assert [k.id for k in catalogue.by_perspective(Perspective.LEARNING_GROWTH)] == ["data_completeness",
                                                                                     "maturity_index"]
    assert catalogue.get("win_rate").dimension("channel") == "source_channel"
    assert catalogue.get("revenue").dimension("segment") == "segment"  # through customers
    with pytest.raises(KeyError):
        catalogue.get("umsatz")


def test_a_user_kpi_of_the_common_shapes_loads_without_python() -> None:
    kpi = dict(BASE, id="big_order_share", unit="ratio", entity="orders", date_field="order_date",
               dimensions=["channel"], parts={"numerator": {"agg": "count", "where": {"revenue": {"gte": 1000}}},
                                              "denominator": {"agg": "count"}})
    catalogue = parse_catalogue({"kpis": [kpi]})
    assert catalogue.get("big_order_share").formula == "numerator / denominator"


@pytest.mark.parametrize("case", BROKEN, ids=[c["name"] for c in BROKEN])
def test_broken_declaration_reports_every_problem(case: dict) -> None:
    kpi = copy.deepcopy(BASE)
    for key, value in case["kpi"].items():
        if value is None:
            kpi.pop(key, None)
        else:
            kpi[key] = value
    with pytest.raises(ConfigError) as info:
        parse_catalogue({"kpis": [kpi]})
    assert sorted(str(p) for p in info.value.problems) == sorted(case["problems"])


def test_duplicate_ids_are_reported_at_the_repeat() -> None:
    with pytest.raises(ConfigError) as info:
        parse_catalogue({"kpis": [BASE, BASE]})
    assert [str(p) for p in info.value.problems] == [
        "kpis.yaml: kpis[1].id: duplicate KPI id 'k' (first at kpis[0].id)"]


@pytest.mark.parametrize("formula", ["__import__('os')", "numerator.__class__", "open('/etc/passwd')",
                                     "numerator if denominator else 0", "[numerator]", "lambda: 1",
                                     "numerator ** 2", "numerator // denominator", "numerator and denominator",
                                     "True + numerator", "numerator[0]", "f'{numerator}'"])
def test_formula_sandbox_refuses(formula: str) -> None:
    assert check_formula(formula, frozenset({"numerator", "denominator"}))
    with pytest.raises(ValueError):
        evaluate(formula, {"numerator": pd.Series([1.0]), "denominator": pd.Series([2.0])})


def test_formula_evaluates_columnwise_and_division_by_zero_is_empty() -> None:
    cols = {"promoters": pd.Series([2.0, 0.0, 0.0]), "detractors": pd.Series([1.0, 1.0, 0.0]),
            "responses": pd.Series([4.0, 1.0, 0.0])}
    out = evaluate("(promoters - detractors) / responses * 100", cols)
    pd.testing.assert_series_equal(out, pd.Series([25.0, -100.0, float("nan")]))


def test_the_catalogue_is_checked_against_the_entities_it_is_given() -> None:
    """The registry checks a folder's catalogue against that folder's entities.yaml, not the shipped one."""
    import dataclasses

    from data.schema import load_schema

    shipped = load_schema()
    orders = shipped["orders"]
    narrowed = {**shipped, "orders": dataclasses.replace(orders, fields=tuple(f for f in orders.fields
                                                                               if f.name != "revenue"))}
    kpi = dict(BASE, id="order_revenue", unit="currency", entity="orders", date_field="order_date",
               dimensions=["channel"], parts={"revenue": {"agg": "sum", "field": "revenue"}})
    assert parse_catalogue({"kpis": [kpi]}).get("order_revenue").formula == "revenue"
    with pytest.raises(ConfigError) as info:
        parse_catalogue({"kpis": [kpi]}, "kpis.yaml", narrowed)
    assert [f"{p.where}: {p.message}" for p in info.value.problems] == [
        "kpis.yaml: kpis[0].parts.revenue.field: 'revenue' is not a field of orders"]
