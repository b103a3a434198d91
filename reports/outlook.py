"""The report's look ahead in the workbook: the sheets "Prognosen" / "Forecasts" (forecast vs target
per scorecard KPI) and "Kanalplan" / "Channel plan" (which segment is worth which channel, with
the inputs of every figure), from ``ReportContent.forecasts`` / ``channel_plan``.
"""
from __future__ import annotations

from dataclasses import replace

from core.i18n import t
from reports.columns import Column, Kind
from reports.content import ReportContent
from reports.excel import WorkbookBuilder

K = Kind
FORECAST_COLUMNS = (
    Column("kpi", "report.col.kpi", K.TEXT, 30), Column("period", "report.col.period", K.TEXT, 10),
    Column("value", "report.col.forecast", K.NUMBER, 14, unit_field="unit"),
    Column("lower", "report.col.lower", K.NUMBER, 14, unit_field="unit"),
    Column("upper", "report.col.upper", K.NUMBER, 14, unit_field="unit"),
    Column("method", "report.col.method", K.TEXT, 22), Column("mase", "report.col.mase", K.FACTOR, 12),
    Column("naive_mase", "report.col.naive_mase", K.FACTOR, 16),
    Column("target", "report.col.target", K.NUMBER, 14, unit_field="unit"),
    Column("status", "report.col.forecast_status", K.STATUS, 14),
)
PLAN_SUMMARY_COLUMNS = (
    Column("group", "report.plan.col.group", K.TEXT, 20), Column("recommended", "report.plan.col.best", K.TEXT, 18),
    Column("contacts", "report.plan.col.contacts", K.INTEGER, 12),
    Column("actual_value", "report.plan.col.actual_value", K.CURRENCY, 18),
    Column("plan_value", "report.plan.col.plan_value", K.CURRENCY, 18),
    Column("uplift", "report.plan.col.uplift", K.CURRENCY, 16), Column("status", "report.plan.col.status", K.TEXT, 18),
)
PLAN_COLUMNS = (
    Column("group", "report.plan.col.group", K.TEXT, 18), Column("channel", "report.plan.col.channel", K.TEXT, 14),
    Column("contacts", "report.plan.col.contacts", K.INTEGER, 11),
    Column("responses", "report.plan.col.responses", K.INTEGER, 11),
    Column("conversions", "report.plan.col.conversions", K.INTEGER, 11),
    Column("conversions_per_contact", "report.plan.col.conversions_per_contact", K.PERCENT, 14),
    Column("value_revenue", "report.plan.col.value_revenue", K.CURRENCY, 16),
    Column("value_orders", "report.plan.col.value_orders", K.INTEGER, 12),
    Column("value_per_conversion", "report.plan.col.value_per_conversion", K.CURRENCY, 16),
    Column("cost_per_contact", "report.plan.col.cost_per_contact", K.CURRENCY, 14),
    Column("cost_source", "report.plan.col.cost_source", K.TEXT, 18),
    Column("expected_value_per_contact", "report.plan.col.expected_value_per_contact", K.CURRENCY, 16),
    Column("lower", "report.plan.col.lower", K.CURRENCY, 14), Column("upper", "report.plan.col.upper", K.CURRENCY, 14),
    Column("break_even_cost", "report.plan.col.break_even_cost", K.CURRENCY, 14),
    Column("recommended", "report.plan.col.recommended", K.TEXT, 12),
)
SOURCE_COLUMNS = (Column("figure", "report.plan.col.figure", K.TEXT, 30),
                  Column("formula", "report.plan.col.formula", K.TEXT, 90))


def forecast_title(content: ReportContent) -> str:
    section = content.forecasts
    if not len(section.rows):
        return t("report.forecast.none", content.lang)
    return t("report.forecast.title", content.lang, period=section.fitted)


def forecast_sheet(book: WorkbookBuilder, content: ReportContent) -> None:
    """One row per scorecard KPI and forecast period, or the line that no KPI has enough history."""
    rows, name = content.forecasts.rows, t("report.sheet.forecasts", content.lang)
    table = book.add_table(name, rows, [c for c in FORECAST_COLUMNS if c.field in rows.columns],
                           title=forecast_title(content))
    if len(rows):
        book.text(book.sheet(name), table.last_row + 2, 0, t("report.forecast.note", content.lang))


def plan_sheet(book: WorkbookBuilder, content: ReportContent) -> None:
    """The recommended channel per segment with what it would have earned, every channel's figures
    with their inputs, and where each figure comes from; or why there is no plan."""
    lang, section = content.lang, content.channel_plan
    name = t("report.sheet.channel_plan", lang)
    if section.unavailable:
        ws = book.sheet(name)
        book.text(ws, 0, 0, t("report.plan.title", lang, group=section.group), book.fmt(bold=True, font_size=12))
        book.text(ws, 1, 0, section.unavailable)
        return
    book.add_table(name, section.summary, grouped(PLAN_SUMMARY_COLUMNS, section.group),
                   title=t("report.plan.title", lang, group=section.group))
    book.add_table(name, section.plan, grouped(PLAN_COLUMNS, section.group), title=t("report.plan.per_channel", lang),
                   freeze=False)
    book.add_table(name, section.sources, SOURCE_COLUMNS, title=t("report.plan.sources", lang), freeze=False)


def grouped(columns: tuple[Column, ...], group: str) -> tuple[Column, ...]:
    """The columns with the group column named after the grouping ("Segment")."""
    return tuple(replace(c, label=group) if c.field == "group" and group else c for c in columns)
