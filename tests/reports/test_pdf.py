"""The board PDF renders (pdftoppm) and shows the radar, domains and scorecard KPIs (pdftotext)."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from reports.content import ReportContent
from reports.pdf import build_pdf, cell_text
from reports.columns import Kind
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
