"""The report's look ahead: the forecasts of the scorecard KPIs beside their targets and the channel
plan (issue 11.2 / 11.4), each a pure function of results already computed (``services.reporting``
and ``usecases.reports`` fit and plan, cached, and pass them in).
"""
from __future__ import annotations

import pandas as pd

from analytics.channels import ChannelPlan
from core.i18n import t
from reports.content import ChannelPlanSection, ForecastSection
from services import scorecard_view as sv
from services.report_sections import named

PLAN_BY = "segment"  # the report's grouping (the lifecycle page offers the others)
SOURCES = ("expected_value_per_contact", "conversions_per_contact", "value_per_conversion", "cost_per_contact",
           "interval", "break_even_cost", "actual_value", "plan_value")


def forecast_section(table: pd.DataFrame, card, lang: str) -> ForecastSection:
    """``services.forecast_targets.versus_target`` rows with KPI names and methods in ``lang``."""
    labels = sv.kpi_labels(card)
    kpi = table["kpi"].astype(str)
    rows = pd.DataFrame({
        "kpi": kpi.map(lambda k: labels[k].name.get(lang) if k in labels else k),
        "period": table["period"].astype(str), "step": table["step"].astype("int64"), "unit": kpi.map(lambda k: labels[k].unit if k in labels else "score"),
        **{c: table[c].astype("float64") for c in ("value", "lower", "upper")},
        "method": [t(f"report.forecast.method.{m}" + ("_short" if r == "too_short" else ""), lang)
                   for m, r in zip(table["method"], table["reason"])],
        "mase": table["mase"].astype("float64"), "naive_mase": table["naive_mase"].astype("float64"),
        "target": table["target"].astype("float64"), "status": table["status"].astype(str)})
    fitted = str(table["last"].iloc[0]) if len(table) else ""
    return ForecastSection(rows, fitted)


def channel_plan_section(result: ChannelPlan | None, lang: str, unavailable: str = "") -> ChannelPlanSection:
    """The plan's two tables with names in ``lang`` and every input beside the figure it makes, and
    the table of where each figure comes from; with ``result`` None the section says ``unavailable``."""
    group = t(f"analytics.group.{PLAN_BY}", lang)
    if result is None:
        return ChannelPlanSection(group=group, unavailable=unavailable)
    by = result.by[0]
    s, p = result.summary, result.plan
    summary = pd.DataFrame({
        "group": named(s[by], lang), "recommended": named(s["recommended_channel"], lang).fillna("–"),
        **{c: s[c].astype("float64") for c in ("contacts", "actual_value", "plan_value", "uplift")},
        "status": s["status"].map(lambda v: t(f"analytics.plan.{v}", lang))})
    plan = pd.DataFrame({
        "group": named(p[by], lang), "channel": named(p["channel"], lang),
        **{c: p[c].astype("float64") for c in ("contacts", "responses", "conversions", "conversions_per_contact",
                                              "value_revenue", "value_orders", "value_per_conversion",
                                              "cost_per_contact")},
        "cost_source": p["cost_source"].map(lambda v: t(f"report.plan.cost_source.{v}", lang)),
        **{c: p[c].astype("float64") for c in ("expected_value_per_contact", "lower", "upper", "break_even_cost")},
        "recommended": p["recommended"].map({True: t("report.plan.yes", lang), False: ""})})
    sources = pd.DataFrame({"figure": [t(f"report.plan.figure.{f}", lang) for f in SOURCES],
                            "formula": [t(f"report.plan.source.{f}", lang) for f in SOURCES]})
    return ChannelPlanSection(summary, plan, sources, group)
