"""The board PDF: ``build_pdf(content, target)``, A4 landscape, with reportlab alone (no browser).

Cover with key figures, maturity radar (drawn as polygons: reportlab has no spider chart in
every version) beside the domain table, scorecard with coloured status cells, alerts, forecasts and
the channel plan (``reports.pdf_outlook``), KPI and
lifecycle bar/line charts, roadmap; page numbers "page n of N". The text font is Bitstream
Vera, shipped inside reportlab and embedded in the PDF (umlauts, ß and € included).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

import reportlab
from core import formatting
from core.i18n import t
from reports.columns import STATUS_COLOURS, ChartKind, Column, Kind, resolve, status_label
from reports.content import Figure, ReportContent
from reports.pdf_outlook import forecast_story, plan_story
from reports.pdfcharts import MAX_SERIES, bar_chart, radar
from reports.workbook import ALERT_COLUMNS, DOMAIN_COLUMNS, PERSPECTIVE_COLUMNS, ROADMAP_COLUMNS, SCORECARD_COLUMNS

FONT, BOLD = "CockpitSans", "CockpitSans-Bold"
_FONT_DIR = Path(reportlab.__file__).resolve().parent / "fonts"
PAGE = landscape(A4)
BLUE = colors.HexColor("#1F4E78")
MAX_TABLE_ROWS = 40  # board report: long tables are cut, the workbook has them all
MARGIN = 1.5 * cm
CONTENT_WIDTH = PAGE[0] - 2 * MARGIN
CELL_SIZE, HEAD_SIZE = 8, 8
CELL_PADDING = 2 * 4 + 1  # left and right cell padding (4 pt each), and a point to spare
RADAR_WIDTH = 370  # the maturity page: radar left, domain table right
PDF_ALERT_FIELDS = ("kind", "kpi", "slice", "period", "value", "expected", "lower", "upper", "acknowledged")


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(_FONT_DIR / "VeraBd.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=26, leading=32, textColor=BLUE),
        "h1": ParagraphStyle("h1", fontName=BOLD, fontSize=16, leading=20, textColor=BLUE, spaceAfter=8),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=CELL_SIZE, leading=10),
        "head": ParagraphStyle("head", fontName=BOLD, fontSize=HEAD_SIZE, leading=10, textColor=colors.white),
        "small": ParagraphStyle("small", fontName=FONT, fontSize=7, leading=9, textColor=colors.grey),
    }


def cell_text(value: Any, kind: Kind, lang: str, unit: str | None = None) -> str:
    """A value as shown in the PDF (formatting at the edge, via core.formatting)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if unit:
        return formatting.by_unit(float(value), unit, lang)
    if kind == Kind.STATUS:
        return status_label(str(value), lang)
    if kind in (Kind.TEXT,):
        return str(value)
    if kind == Kind.DATE:
        return formatting.day(pd.Timestamp(value), lang)
    if kind == Kind.FACTOR:
        return formatting.number(float(value), lang, 2)
    unit = {Kind.INTEGER: "count", Kind.PERCENT: "ratio", Kind.CURRENCY: "currency", Kind.DAYS: "days",
            Kind.HOURS: "hours"}.get(kind, "score")
    try:
        return formatting.by_unit(float(value), unit, lang)
    except (TypeError, ValueError):
        return str(value)


def column_widths(header: Sequence[str], body: Sequence[Sequence[str]], columns: Sequence[Column],
                  available: float) -> list[float]:
    """Column widths from the content: no column narrower than its longest word (header in bold,
    numbers and statuses whole), the room left shared by how much more each column would like."""
    lows, wants = [], []
    for j, column in enumerate(columns):
        texts = [row[j] for row in body]
        whole = column.kind != Kind.TEXT  # numbers, dates and statuses never wrap
        head_low = max((stringWidth(w, BOLD, HEAD_SIZE) for w in header[j].split()), default=0.0)
        pieces = texts if whole else [w for text in texts for w in text.split()]
        low = max([head_low] + [stringWidth(p, FONT, CELL_SIZE) for p in pieces]) + CELL_PADDING
        want = max([stringWidth(header[j], BOLD, HEAD_SIZE)] + [stringWidth(x, FONT, CELL_SIZE) for x in texts])
        lows.append(low)
        wants.append(max(low, min(want + CELL_PADDING, available * 0.45)))
    if sum(wants) <= available:
        return [w * available / sum(wants) for w in wants]
    if sum(lows) <= available:
        flex = [w - lo for w, lo in zip(wants, lows)]
        return [lo + (available - sum(lows)) * f / sum(flex) for lo, f in zip(lows, flex)]
    return [lo * available / sum(lows) for lo in lows]  # too many columns: long words must break


def table(frame: pd.DataFrame, columns: Sequence[Column], lang: str, styles: dict,
          available: float | None = None) -> Table:
    """A styled table, its columns sized to their content; status cells get their traffic-light colour."""
    frame = frame.head(MAX_TABLE_ROWS)
    titles = [c.title(lang) for c in columns]
    texts = [[cell_text(record.get(c.field), c.kind, lang, record.get(c.unit_field) if c.unit_field else None)
              for c in columns] for record in frame.to_dict("records")]  # at most MAX_TABLE_ROWS rows
    widths = column_widths(titles, texts, columns, available or CONTENT_WIDTH)
    header = [Paragraph(escape(title), styles["head"]) for title in titles]
    body = [[Paragraph(_keep_whole(text) if c.kind != Kind.TEXT else escape(text), styles["cell"])
             for c, text in zip(columns, row)] for row in texts]
    out = Table([header] + body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [("BACKGROUND", (0, 0), (-1, 0), BLUE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#BFBFBF")),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F2F2F2")])]
    for j, column in enumerate(columns):
        if column.kind == Kind.STATUS:
            for i, status in enumerate(frame[column.field].tolist(), start=1):
                if status in STATUS_COLOURS:
                    commands.append(("BACKGROUND", (j, i), (j, i), colors.HexColor(STATUS_COLOURS[status][0])))
    out.setStyle(TableStyle(commands))
    return out


def _keep_whole(text: str) -> str:
    """A number with its unit on one line ("1.234,56 €", "21,0 Tage")."""
    return escape(text).replace(" ", "&nbsp;")


def _numbered_canvas(footer: str, lang: str):
    class NumberedCanvas(pdfcanvas.Canvas):
        """Draws "page n of N" once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab API)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 8)
                self.setFillColor(colors.grey)
                self.drawString(1.5 * cm, 1 * cm, footer)
                self.drawRightString(PAGE[0] - 1.5 * cm, 1 * cm,
                                     t("report.page_footer", lang, page=self._pageNumber, pages=total))
                super().showPage()
            super().save()
    return NumberedCanvas


def build_pdf(content: ReportContent, target: Any) -> None:
    """Write the board PDF of ``content`` to a path or a binary buffer."""
    _fonts()
    lang, styles = content.lang, _styles()
    title = content.title or t("report.title", lang)
    story: list = [Paragraph(escape(title), styles["title"]), Spacer(1, 0.6 * cm)]
    facts = [(t("report.client", lang), content.client), (t("report.period", lang), content.period),
             (t("report.date", lang), formatting.day(content.created(), lang))]
    facts += _key_figures(content)
    story.append(Table([[Paragraph(f"<b>{escape(k)}</b>", styles["body"]), Paragraph(escape(str(v)), styles["body"])]
                        for k, v in facts], colWidths=[8 * cm, 14 * cm], hAlign="LEFT"))
    story += [Spacer(1, 1 * cm)] + [Paragraph(escape(f"{k}: {v}"), styles["small"]) for k, v in content.provenance()]
    maturity = content.maturity
    if maturity is not None:
        story += [PageBreak(), Paragraph(escape(t("report.sheet.maturity", lang)), styles["h1"])]
        radar_frame = maturity.radar_frame()
        drawing = radar(radar_frame["axis"].astype(str).tolist(), radar_frame["current"].tolist(),
                        radar_frame["target"].tolist() if "target" in radar_frame else None,
                        (t("report.col.score", lang), t("report.col.target", lang)), FONT, width=RADAR_WIDTH)
        domains = table(maturity.domains, resolve(maturity.domains, DOMAIN_COLUMNS), lang, styles,
                        available=CONTENT_WIDTH - RADAR_WIDTH - 0.5 * cm)
        side = Table([[drawing, domains]], colWidths=[RADAR_WIDTH + 0.5 * cm, CONTENT_WIDTH - RADAR_WIDTH - 0.5 * cm],
                     style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        story.append(side)
    if content.scorecard is not None:
        rows = content.scorecard.rows
        story += [PageBreak(), Paragraph(escape(content.scorecard.name or t("report.sheet.scorecard", lang)),
                                         styles["h1"]), table(rows, resolve(rows, SCORECARD_COLUMNS), lang, styles)]
        per = content.scorecard.perspectives
        if per is not None and len(per):
            story += [Spacer(1, 0.5 * cm), KeepTogether([
                Paragraph(f"<b>{escape(t('report.rollup', lang))}</b>", styles["body"]), Spacer(1, 0.15 * cm),
                table(per, resolve(per, PERSPECTIVE_COLUMNS), lang, styles, available=CONTENT_WIDTH / 2)])]
    if content.alerts is not None:
        story += _alert_section(content, styles)
    if content.forecasts is not None:
        story += forecast_story(content, styles, table)
    if content.channel_plan is not None:
        story += plan_story(content, styles, table)
    figures = [f for f in (*content.kpis, *content.lifecycle) if f.chart is not None and f.value_fields()]
    if figures:
        story += [PageBreak(), Paragraph(escape(t("report.pdf.lifecycle", lang)), styles["h1"])]
        for figure in figures:
            story.append(KeepTogether([Paragraph(f"<b>{escape(figure.title_in(lang))}</b>", styles["body"]),
                                       _chart(figure, lang), Spacer(1, 0.4 * cm)]))
    if maturity is not None and maturity.roadmap is not None and len(maturity.roadmap):
        story += [PageBreak(), Paragraph(escape(t("report.sheet.roadmap", lang)), styles["h1"]),
                  table(maturity.roadmap, resolve(maturity.roadmap, ROADMAP_COLUMNS), lang, styles)]
    doc = SimpleDocTemplate(target, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=1.8 * cm, title=title, author="CRM-Cockpit", subject=content.client,
                            creator=content.full_stamp().get("generator", ""), invariant=1)
    doc.build(story, canvasmaker=_numbered_canvas(f"{content.client} · {title} · {content.period}", lang))


def _alert_section(content: ReportContent, styles: dict) -> list:
    """The alerts of the period as a table (the sentences and notes are in the workbook), or the line
    that there is none."""
    lang, section = content.lang, content.alerts
    head = Paragraph(escape(t("alerts.feed.title", lang, period=section.period)), styles["h1"])
    if not len(section.rows):
        return [Spacer(1, 0.6 * cm), KeepTogether([head, Paragraph(escape(t("alerts.feed.none", lang)),
                                                                   styles["body"])])]
    columns = tuple(c for c in ALERT_COLUMNS if c.field in PDF_ALERT_FIELDS)
    return [PageBreak(), head, table(section.rows, resolve(section.rows, columns), lang, styles)]


def _key_figures(content: ReportContent) -> list[tuple[str, str]]:
    lang, out = content.lang, []
    if content.maturity is not None:
        if content.maturity.index is not None:
            out.append((t("report.maturity_index", lang), formatting.number(content.maturity.index, lang, 1)))
        if content.maturity.level is not None:
            out.append((t("report.maturity_level", lang), formatting.number(content.maturity.level, lang, 0)))
    if content.scorecard is not None:
        if content.scorecard.overall is not None:
            out.append((t("report.scorecard_overall", lang), formatting.percent(content.scorecard.overall, lang)))
        if content.scorecard.overall_status:
            out.append((t("report.scorecard_status", lang), status_label(content.scorecard.overall_status, lang)))
    if content.alerts is not None:
        out.append((t("alerts.report.open", lang, period=content.alerts.period), str(content.alerts.open)))
    red = content.forecasts.red_next() if content.forecasts is not None else None
    if red is not None:
        out.append((t("report.forecast.red_next", lang, period=red[0]), str(red[1])))
    return out


def _chart(figure: Figure, lang: str):
    frame = figure.frame.head(24)
    values = figure.value_fields()[:MAX_SERIES]
    series = [pd.to_numeric(frame[v], errors="coerce").fillna(0).tolist() for v in values]
    names = [figure.label(v, lang) for v in values]
    kinds = {figure.kinds.get(v) for v in values}
    categories = ["–" if pd.isna(c) else str(c) for c in frame[figure.category_field()]]  # pandas 3: str keeps NaN
    return bar_chart(categories, series, names, FONT,
                     horizontal=figure.chart == ChartKind.BAR, line=figure.chart == ChartKind.LINE,
                     width=CONTENT_WIDTH, value_format=_tick_format(kinds.pop() if len(kinds) == 1 else None, lang))


def _tick_format(kind: Kind | None, lang: str):
    """Value axis labels in the language: percentages for rates, grouped thousands otherwise."""
    if kind == Kind.PERCENT:
        return lambda v: formatting.percent(v, lang, 0)
    return lambda v: formatting.number(v, lang, 0 if abs(v) >= 10 or float(v).is_integer() else 1)
