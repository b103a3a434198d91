"""The report's alerts (issue 11.1, must-show 1): on data where e-mail response collapses in the
last month, the Excel report's "Alarme"/"Alerts" sheet (read back with openpyxl) and the board
PDF (pdftotext) carry the trend break of campaign_response_rate for that month and channel, and
none for the steady channels; an acknowledgement shows with its note."""
from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from core.settings import load_settings
from tests.analytics.synthetic import response_drop, write_canonical
from usecases import alerts, datasets
from usecases.reports import build_report
from usecases.session import local_session


@pytest.fixture
def session(engine, client, tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    session = local_session(engine, load_settings(), client)
    write_canonical(response_drop("email"), tmp_path / "export")
    assert datasets.import_file(session, tmp_path / "export")[0] is not None
    return session


def _rows(content: bytes, sheet: str) -> list[dict]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    assert sheet in book.sheetnames, book.sheetnames
    cells = [r for r in book[sheet].iter_rows(values_only=True) if any(c is not None for c in r)]
    header = next(i for i, r in enumerate(cells) if r[0] in ("Art", "Kind"))
    return [dict(zip(cells[header], r)) for r in cells[header + 1:]]


@pytest.mark.parametrize("lang, sheet, kpi, slice_, kind", [
    ("de", "Alarme", "Kampagnen-Responsequote", "Kanal E-Mail", "Trendbruch"),
    ("en", "Alerts", "Campaign response rate", "Channel E-mail", "Trend break")])
def test_the_alerts_sheet_holds_the_broken_channel_only(session, lang, sheet, kpi, slice_, kind):
    rows = _rows(build_report(session, "xlsx", "2025-Q4", lang).content, sheet)
    col = {"de": ("Art", "Kennzahl", "Ausschnitt", "Zeitraum", "Wert", "Untergrenze", "Erwartet"),
           "en": ("Kind", "KPI", "Slice", "Period", "Value", "Lower bound", "Expected")}[lang]
    channel = [r for r in rows if str(r[col[2]]).startswith(slice_.split()[0] + " ")]
    assert [(r[col[0]], r[col[1]], r[col[2]], r[col[3]]) for r in channel] == [(kind, kpi, slice_, "2025-12")]
    email = channel[0]
    assert isinstance(email[col[4]], float) and email[col[4]] < email[col[5]] < email[col[6]]
    assert abs(email[col[6]] - 0.2) < 0.03          # expected: the steady 20 %


def test_an_acknowledged_alert_shows_its_note_in_the_sheet(session):
    email = next(i for i in alerts.view_alerts(session, "de").items if i.member == "email")
    alerts.acknowledge(session, email.key, "Versandserver ausgefallen")
    rows = _rows(build_report(session, "xlsx", "2025-Q4", "de").content, "Alarme")
    row = next(r for r in rows if r["Ausschnitt"] == "Kanal E-Mail")
    assert row["Notiz"] == "Versandserver ausgefallen" and row["Quittiert"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_has_an_alert_section(session, tmp_path):
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(build_report(session, "pdf", "2025-Q4", "de").content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    section = text[text.index("Alarme 2025-12"):]
    assert "Kanal E-Mail" in section and "Trendbruch" in section
    assert "Kanal Telefon" not in section and "Kanal letter" not in section


def test_the_report_from_files_has_the_alerts_sheet_too(tmp_path, capsys):
    """``cli.py report --data FOLDER`` (no database): the same trend break on the Alerts sheet."""
    from cli import main

    write_canonical(response_drop("email"), tmp_path / "export")
    out = tmp_path / "report.xlsx"
    assert main(["report", "--data", str(tmp_path / "export"), "--period", "2025-Q4", "--lang", "en",
                 "--out", str(out)]) == 0
    rows = _rows(out.read_bytes(), "Alerts")
    assert [(r["KPI"], r["Slice"], r["Period"]) for r in rows if r["Kind"] == "Trend break"
            and str(r["Slice"]).startswith("Channel")] == [("Campaign response rate", "Channel E-mail", "2025-12")]
