"""The Excel report: ``build_workbook(content, target)`` writes every section ``content`` holds.

Sheets (in the report language): cover, maturity (domain table + radar), questions, roadmap,
scorecard (traffic lights), alerts, forecasts, channel plan (``reports.outlook``), one sheet per KPI table with its chart, lifecycle figures, data
quality, raw data. Same content and ``created_at`` -> the same bytes.
"""
from __future__ import annotations

from typing import Any


from core.i18n import t
from reports.columns import ChartKind, Column, Kind, number_format, resolve
from reports.content import Figure, ReportContent
from reports.excel import WorkbookBuilder
from reports.outlook import forecast_sheet, plan_sheet

K = Kind
DOMAIN_COLUMNS = (
    Column("domain", "report.col.domain", K.TEXT, 34), Column("weight", "report.col.weight", K.NUMBER, 10),
    Column("score", "report.col.score", K.NUMBER, 12), Column("target", "report.col.target", K.NUMBER, 12),
    Column("gap", "report.col.gap", K.NUMBER, 10), Column("priority", "report.col.priority", K.NUMBER, 12),
    Column("level", "report.col.level", K.INTEGER, 10),
)
QUESTION_COLUMNS = (
    Column("question_id", "report.col.question_id", K.TEXT, 14), Column("domain", "report.col.domain", K.TEXT, 24),
    Column("question", "report.col.question", K.TEXT, 60), Column("answer", "report.col.answer", K.NUMBER, 10),
    Column("spread", "report.col.spread", K.NUMBER, 10), Column("note", "report.col.note", K.TEXT, 40),
    Column("evidence", "report.col.evidence", K.TEXT, 40),
)
ROADMAP_COLUMNS = (
    Column("domain", "report.col.domain", K.TEXT, 26), Column("question", "report.col.question", K.TEXT, 50),
    Column("current", "report.col.current", K.NUMBER, 10), Column("target", "report.col.target", K.NUMBER, 10),
    Column("priority", "report.col.priority", K.NUMBER, 10), Column("action", "report.col.action", K.TEXT, 60),
)
SCORECARD_COLUMNS = (
    Column("perspective", "report.col.perspective", K.TEXT, 20),
    Column("objective", "report.col.objective", K.TEXT, 30), Column("kpi", "report.col.kpi", K.TEXT, 30),
    Column("actual", "report.col.actual", K.NUMBER, 14, unit_field="unit"),
    Column("target", "report.col.target", K.NUMBER, 14, unit_field="unit"),
    Column("achievement", "report.col.achievement", K.PERCENT, 14),
    Column("status", "report.col.status", K.STATUS, 12), Column("trend", "report.col.trend", K.TEXT, 12),
)
PERSPECTIVE_COLUMNS = (
    Column("perspective", "report.col.perspective", K.TEXT, 20),
    Column("score", "report.col.achievement", K.PERCENT, 14),
    Column("status", "report.col.status", K.STATUS, 12),
)
ALERT_COLUMNS = (
    Column("kind", "alerts.col.kind", K.TEXT, 16), Column("kpi", "alerts.col.kpi", K.TEXT, 28),
    Column("slice", "alerts.col.slice", K.TEXT, 20), Column("period", "alerts.col.period", K.TEXT, 10),
    Column("value", "alerts.col.value", K.NUMBER, 12, unit_field="unit"),
    Column("expected", "alerts.col.expected", K.NUMBER, 12, unit_field="unit"),
    Column("lower", "alerts.col.lower", K.NUMBER, 12, unit_field="unit"),
    Column("upper", "alerts.col.upper", K.NUMBER, 12, unit_field="unit"),
    Column("sentence", "alerts.col.sentence", K.TEXT, 70),
    Column("acknowledged", "alerts.col.acknowledged", K.TEXT, 24), Column("note", "alerts.col.note", K.TEXT, 40),
)
ALL_COLUMN_SPECS = (DOMAIN_COLUMNS, QUESTION_COLUMNS, ROADMAP_COLUMNS, SCORECARD_COLUMNS, PERSPECTIVE_COLUMNS,
                    ALERT_COLUMNS)
RAW_STREAM_CELLS = 3_000_000  # above this many raw cells, stream rows (no Excel tables anywhere)
CHART_ROWS = 21  # rows a chart covers; stacked tables leave room for it


def build_workbook(content: ReportContent, target: Any, *, constant_memory: bool | None = None) -> None:
    """Write the Excel report of ``content`` to a path or a binary buffer."""
    lang = content.lang
    if constant_memory is None:
        constant_memory = sum(f.size for _, f in content.raw) > RAW_STREAM_CELLS
    title = content.title or t("report.title", lang)
    book = WorkbookBuilder(target, lang=lang, client=content.client, title=title, constant_memory=constant_memory)
    _cover(book, content, title)
    if content.maturity is not None:
        _maturity(book, content)
    if content.scorecard is not None:
        _scorecard(book, content)
    if content.alerts is not None:
        _alerts(book, content)
    if content.forecasts is not None:
        forecast_sheet(book, content)
    if content.channel_plan is not None:
        plan_sheet(book, content)
    for figure in content.kpis:
        _figure(book, "KPI " + figure.title_in(lang), figure)
    for figure in content.lifecycle:
        _figure(book, t("report.sheet.lifecycle", lang), figure)
    if content.data_quality is not None:
        quality = content.data_quality
        figure = quality if isinstance(quality, Figure) else Figure(t("report.sheet.data_quality", lang), quality)
        _figure(book, t("report.sheet.data_quality", lang), figure)
    for name, frame in content.raw:
        book.add_table(f"{t('report.sheet.raw', lang)} {name}", frame, resolve(frame))
    book.add_stamp(content.full_stamp(), content.created())
    book.close()


def _cover(book: WorkbookBuilder, content: ReportContent, title: str) -> None:
    lang = content.lang
    lines = [(t("report.client", lang), content.client), (t("report.period", lang), content.period),
             (t("report.date", lang), content.created().date())]
    figures: list[tuple[str, Any, Kind]] = []
    maturity, scorecard = content.maturity, content.scorecard
    if maturity is not None:
        if maturity.index is not None:
            figures.append((t("report.maturity_index", lang), maturity.index, K.NUMBER))
        if maturity.level is not None:
            figures.append((t("report.maturity_level", lang), maturity.level, K.INTEGER))
    if scorecard is not None:
        if scorecard.overall is not None:
            figures.append((t("report.scorecard_overall", lang), scorecard.overall, K.PERCENT))
        if scorecard.overall_status:
            figures.append((t("report.scorecard_status", lang), scorecard.overall_status, K.STATUS))
        if "status" in scorecard.rows.columns:
            counts = scorecard.rows["status"].value_counts()
            for status in ("green", "amber", "red"):
                figures.append((t(f"report.kpis_{status}", lang), int(counts.get(status, 0)), K.INTEGER))
    if content.alerts is not None:
        figures.append((t("alerts.report.open", lang, period=content.alerts.period), content.alerts.open, K.INTEGER))
    red = content.forecasts.red_next() if content.forecasts is not None else None
    if red is not None:
        figures.append((t("report.forecast.red_next", lang, period=red[0]), red[1], K.INTEGER))
    book.add_cover(t("report.sheet.cover", lang), title, lines, figures, content.provenance())


def _maturity(book: WorkbookBuilder, content: ReportContent) -> None:
    lang, maturity = content.lang, content.maturity
    name = t("report.sheet.maturity", lang)
    table = book.add_table(name, maturity.domains, resolve(maturity.domains, DOMAIN_COLUMNS))
    radar = maturity.radar_frame()
    if maturity.radar is not None:  # separate series: write them beside the domain table
        labels = {"axis": "report.col.domain", "current": "report.col.score", "target": "report.col.target"}
        table = book.add_table(name, radar, resolve(radar, labels=labels), title=t("report.radar", lang))
        values = [v for v in ("current", "target") if v in radar.columns]
        category = "axis"
    else:
        values = [v for v in ("score", "target") if v in maturity.domains.columns]
        category = "domain"
    if category in table.fields:
        book.add_chart(table, ChartKind.RADAR, category, values, t("report.radar", lang))
    if maturity.questions is not None:
        book.add_table(t("report.sheet.questions", lang), maturity.questions,
                       resolve(maturity.questions, QUESTION_COLUMNS))
    if maturity.roadmap is not None:
        book.add_table(t("report.sheet.roadmap", lang), maturity.roadmap,
                       resolve(maturity.roadmap, ROADMAP_COLUMNS))


def _scorecard(book: WorkbookBuilder, content: ReportContent) -> None:
    lang, scorecard = content.lang, content.scorecard
    name = t("report.sheet.scorecard", lang)
    book.add_table(name, scorecard.rows, resolve(scorecard.rows, SCORECARD_COLUMNS),
                   title=scorecard.name or t("report.sheet.scorecard", lang))
    if scorecard.perspectives is not None and len(scorecard.perspectives):
        per = book.add_table(name, scorecard.perspectives, resolve(scorecard.perspectives, PERSPECTIVE_COLUMNS),
                             title=t("report.rollup", lang), freeze=False)
        if "score" in per.fields:
            book.add_chart(per, ChartKind.BAR, "perspective", ["score"], t("report.rollup", lang),
                           y_format=number_format(K.PERCENT, lang), anchor=(per.header_row, per.first_col + 4))


def _alerts(book: WorkbookBuilder, content: ReportContent) -> None:
    """The sheet "Alarme" / "Alerts": one row per alert of the period, or the line that there is none."""
    lang, section = content.lang, content.alerts
    title = t("alerts.feed.title", lang, period=section.period) if len(section.rows) else t("alerts.feed.none", lang)
    book.add_table(t("report.sheet.alerts", lang), section.rows, resolve(section.rows, ALERT_COLUMNS), title=title)


def _figure(book: WorkbookBuilder, sheet: str, figure: Figure) -> None:
    lang = book.lang
    frame = figure.frame
    columns = resolve(frame, kinds=figure.kinds, labels=figure.labels)
    title = figure.title_in(lang)
    table = book.add_table(sheet, frame, columns, title=title)
    category, values = figure.category_field(), figure.value_fields()
    if figure.chart is not None and category and values:
        kinds = {c.field: c.kind for c in columns}
        y_format = number_format(kinds.get(values[0], K.NUMBER), lang)
        book.add_chart(table, figure.chart, category, values, title, y_format=y_format)
        book.reserve(sheet, table.header_row + CHART_ROWS)
