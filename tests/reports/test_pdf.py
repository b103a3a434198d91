"""The board PDF renders (pdftoppm) and shows the radar, domains and scorecard KPIs (pdftotext)."""
from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace

import pandas as pd
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.columns import Kind
from reports.content import ReportContent
from reports.pdf import BOLD, CONTENT_WIDTH, FONT, _fonts, build_pdf, cell_text, column_widths
from reports.pdfcharts import bar_chart, wrap_label
from reports.workbook import DOMAIN_COLUMNS, ROADMAP_COLUMNS, SCORECARD_COLUMNS
from tests.reports.samples import sample_content

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                                   reason="poppler-utils missing: apt-get install -y poppler-utils")


def _pdf(tmp_path, content, name="report.pdf"):
    path = tmp_path / name
    build_pdf(content, str(path))
    return path


def _text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@needs_poppler
@pytest.mark.parametrize("lang, words", [
    ("de", ["CRM-Bericht", "Reifegrad", "Datenqualität", "Analytisches CRM", "Umsatz je Kunde", "Churn-Rate",
            "1.234,56 €", "12,3 %", "Ampel", "Rot", "Seite 1 von 6", "Strategie schriftlich festlegen"]),
    ("en", ["CRM report", "Maturity", "Balanced scorecard", "Umsatz je Kunde", "€1,234.56", "12.3%", "Status",
            "Red", "Page 2 of 6"]),
])
def test_pdf_renders_and_shows_content(tmp_path, lang, words):
    path = _pdf(tmp_path, sample_content(lang))
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 6 and all(p.stat().st_size > 2000 for p in pages)
    text = _text(path)
    missing = [w for w in words if w not in text]
    assert not missing, missing


@needs_poppler
def test_radar_page_draws_the_domains_as_axis_labels(tmp_path):
    path = _pdf(tmp_path, sample_content())
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    for axis in ("Strategie", "Analytisches CRM", "Datenqualität", "Ist", "Ziel"):
        assert axis in page2


@needs_poppler
def test_empty_report_has_a_cover_only(tmp_path):
    path = _pdf(tmp_path, ReportContent(client="Leer GmbH", period="2025", lang="en"))
    text = _text(path)
    assert "Leer GmbH" in text and "Page 1 of 1" in text


def test_pdf_bytes_are_deterministic_and_embed_the_font():
    one, two = io.BytesIO(), io.BytesIO()
    build_pdf(sample_content(), one)
    build_pdf(sample_content(), two)
    assert one.getvalue() == two.getvalue()
    assert one.getvalue().startswith(b"%PDF") and b"FontFile2" in one.getvalue()  # embedded TrueType


@pytest.mark.parametrize("value, kind, lang, unit, shown", [
    (0.1234, Kind.PERCENT, "de", None, "12,3 %"),
    (1234.56, Kind.CURRENCY, "de", None, "1.234,56 €"),
    (1234.56, Kind.NUMBER, "en", "currency", "€1,234.56"),
    (42.5, Kind.NUMBER, "de", "days", "42,5 Tage"),
    (float("nan"), Kind.NUMBER, "de", None, "–"),
    ("green", Kind.STATUS, "de", None, "Grün"),
])
def test_cell_text(value, kind, lang, unit, shown):
    assert cell_text(value, kind, lang, unit) == shown


def _nine_domains() -> pd.DataFrame:
    names = ["Strategie und Kundenorientierung", "Marketing", "Vertrieb", "Service", "Analytisches CRM",
             "Datenmanagement und Datenqualität", "Multi-Channel-Management", "Organisation und Zusammenarbeit",
             "Technologie und Integration"]
    return pd.DataFrame({"domain": names, "weight": 1.0, "score": [2.0 + i / 10 for i in range(9)], "target": 4.0,
                         "gap": [2.0 - i / 10 for i in range(9)], "priority": 1.0, "level": 2})


@pytest.mark.parametrize("columns", [SCORECARD_COLUMNS, DOMAIN_COLUMNS, ROADMAP_COLUMNS])
def test_no_column_is_narrower_than_its_longest_word(columns):
    """Headers such as "Zielerreichung" and values such as "6.000.000,00 €" are never split."""
    _fonts()
    header = [c.title("de") for c in columns]
    body = [["6.000.000,00 €" if c.kind != Kind.TEXT else "Kundenorientierung und gleichbleibend"
             for c in columns]]
    widths = column_widths(header, body, columns, CONTENT_WIDTH)
    assert sum(widths) == pytest.approx(CONTENT_WIDTH)
    for title, column, width, cell in zip(header, columns, widths, body[0]):
        words = cell.split() if column.kind == Kind.TEXT else [cell]
        need = max([stringWidth(w, BOLD, 8) for w in title.split()] + [stringWidth(w, FONT, 8) for w in words])
        assert width >= need + 8, (title, width, need)


@needs_poppler
def test_radar_and_all_nine_domains_share_one_page(tmp_path):
    content = sample_content()
    content = replace(content, maturity=replace(content.maturity, domains=_nine_domains(), radar=None))
    path = _pdf(tmp_path, content)
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    page3 = subprocess.run(["pdftotext", "-f", "3", "-l", "3", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout
    for domain in _nine_domains()["domain"]:
        assert domain in page2, domain
    assert "Technologie und Integration" not in page3  # the ninth row no longer spills over


def test_charts_take_up_to_eight_series_in_eight_colours():
    _fonts()
    names = [f"Quote {i}" for i in range(10)]
    drawing = bar_chart(["Q1", "Q2"], [[i, i + 1] for i in range(10)], names, FONT, line=True)
    chart, legend = drawing.contents
    assert len(chart.data) == 8 and len(legend.colorNamePairs) == 8
    assert len({str(chart.lines[i].strokeColor) for i in range(8)}) == 8


@pytest.mark.parametrize("text, lines", [
    ("Multi-Channel-Management", ["Multi-Channel-", "Management"]),
    ("Datenmanagement und Datenqualität", ["Datenmanagement", "und Datenqualität"]),
    ("Service", ["Service"]),
])
def test_radar_labels_wrap_at_spaces_and_hyphens(text, lines):
    _fonts()
    assert wrap_label(text, 80, FONT, 8) == lines
