"""The board PDF's look ahead: the sections "Prognosen" / "Forecasts" and "Kanalplan" / "Channel plan"
(the same content as the workbook's sheets, ``reports.outlook``; the plan's per-channel table
without the raw revenue and order counts, which stay in the workbook).

``reports.pdf`` hands in its table builder (``table(frame, columns, lang, styles)``) and styles.
"""
from __future__ import annotations

from typing import Callable
from xml.sax.saxutils import escape

from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer

from core.i18n import t
from reports.content import ReportContent
from reports.outlook import (FORECAST_COLUMNS, PLAN_COLUMNS, PLAN_SUMMARY_COLUMNS, SOURCE_COLUMNS, forecast_title,
                             grouped)

PDF_FORECAST_STEPS = 2  # the board sees the next two periods of every KPI; the workbook has them all
PDF_PLAN_FIELDS = ("group", "channel", "contacts", "conversions_per_contact", "value_per_conversion",
                   "cost_per_contact", "expected_value_per_contact", "lower", "upper", "break_even_cost", "recommended")


def forecast_story(content: ReportContent, styles: dict, table: Callable) -> list:
    """Heading, the forecast vs target table (the next ``PDF_FORECAST_STEPS`` periods) and how the
    method was chosen (or the line that no KPI has enough history)."""
    lang, rows = content.lang, content.forecasts.rows
    head = Paragraph(escape(t("report.sheet.forecasts", lang)), styles["h1"])
    if not len(rows):
        return [PageBreak(), head, Paragraph(escape(forecast_title(content)), styles["body"])]
    return [PageBreak(), head, Paragraph(escape(forecast_title(content)), styles["body"]), Spacer(1, 0.2 * cm),
            table(rows[rows["step"] <= PDF_FORECAST_STEPS] if "step" in rows else rows, FORECAST_COLUMNS, lang, styles),
            Spacer(1, 0.2 * cm),
            Paragraph(escape(t("report.forecast.note", lang)), styles["small"])]


def plan_story(content: ReportContent, styles: dict, table: Callable) -> list:
    """Heading, the recommended channel per group, the channels' figures and where they come from;
    or why there is no plan (a live source)."""
    lang, section = content.lang, content.channel_plan
    head = Paragraph(escape(t("report.sheet.channel_plan", lang)), styles["h1"])
    title = Paragraph(escape(t("report.plan.title", lang, group=section.group)), styles["body"])
    if section.unavailable:
        return [PageBreak(), head, title, Spacer(1, 0.2 * cm), Paragraph(escape(section.unavailable), styles["body"])]
    per_channel = tuple(c for c in grouped(PLAN_COLUMNS, section.group) if c.field in PDF_PLAN_FIELDS)
    return [PageBreak(), head, title, Spacer(1, 0.2 * cm),
            table(section.summary, grouped(PLAN_SUMMARY_COLUMNS, section.group), lang, styles), Spacer(1, 0.4 * cm),
            Paragraph(f"<b>{escape(t('report.plan.per_channel', lang))}</b>", styles["body"]), Spacer(1, 0.15 * cm),
            table(section.plan, per_channel, lang, styles), Spacer(1, 0.4 * cm),
            KeepTogether([Paragraph(f"<b>{escape(t('report.plan.sources', lang))}</b>", styles["body"]),
                          Spacer(1, 0.15 * cm), table(section.sources, SOURCE_COLUMNS, lang, styles)])]
