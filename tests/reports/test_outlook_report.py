"""The report's look ahead (issue 11.2 / 11.4) on the seeded demo client: the sheets "Prognosen" and
"Kanalplan" read back with openpyxl hold what ``analytics.forecast`` and ``analytics.channels`` give
on the same data (fitted up to the report's quarter; the plan per segment), the PDF has both
sections, and ``cli.py report --data`` writes them too."""
from __future__ import annotations

import math
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from analytics.channels import plan
from analytics.forecast import forecast_table
from core.i18n import name_for
from kpis.engine import compute
from scorecards.rules import traffic_lights
from services.analytics import source
from services.scorecard_view import kpi_labels, load_card
from tests.reports.samples import demo_installation

PERIOD = "2025-Q4"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from usecases.session import local_session

    with demo_installation(tmp_path_factory.mktemp("outlook")) as (settings, engine, client, info):
        yield local_session(engine, settings, client), settings, engine, client, info


@pytest.fixture(scope="module")
def workbooks(demo, tmp_path_factory):
    from usecases.reports import build_report

    session = demo[0]
    folder = tmp_path_factory.mktemp("books")
    out = {}
    for lang in ("de", "en"):
        path = folder / f"report_{lang}.xlsx"
        path.write_bytes(build_report(session, "xlsx", PERIOD, lang).content)
        out[lang] = openpyxl.load_workbook(path)
    return out


def tables(ws) -> list[pd.DataFrame]:
    """The tables stacked on a sheet (a title row, a header row, rows, a gap), as frames."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    out, i = [], 0
    while i < len(rows):
        row = rows[i]
        filled = [c for c in row if c is not None]
        if len(filled) >= 2 and i > 0 and sum(c is not None for c in rows[i - 1]) == 1:
            width = max(j for j, c in enumerate(row) if c is not None) + 1
            body = []
            for r in rows[i + 1:]:
                if all(c is None for c in r[:width]):
                    break
                body.append(r[:width])
            out.append(pd.DataFrame(body, columns=row[:width]))
            i += len(body) + 1
        i += 1
    return out


def _expected_forecasts(demo) -> pd.DataFrame:
    """Every scorecard KPI with 4+ quarters up to the report's quarter, forecast by analytics.forecast."""
    session, settings, engine, client, info = demo
    card = load_card(engine, client.id).card
    labels = kpi_labels(card)
    actuals = compute(source(settings, info), card.computed_kpi_ids, period="quarter")
    rows = []
    for k in card.kpis:
        series = actuals[(actuals["kpi"] == k.kpi) & actuals["value"].notna() & (actuals["period"] <= PERIOD)]
        if k.kpi not in card.computed_kpi_ids or len(series) < 4 or PERIOD not in set(series["period"]):
            continue
        table, fit = forecast_table(series, "quarter", 4, last=PERIOD, ratio=labels[k.kpi].unit == "ratio")
        chosen = fit.model if fit.method == "ets" else fit.naive
        rows.append(table.assign(kpi=labels[k.kpi].name.de, target=k.target, reason=fit.reason,
                                 mase=chosen.mase if chosen else math.nan,
                                 naive=fit.naive.mase if fit.naive else math.nan,
                                 status=traffic_lights(table["value"], [k.thresholds.green] * len(table),
                                                       [k.thresholds.amber] * len(table),
                                                       [k.direction.higher] * len(table))))
    return pd.concat(rows, ignore_index=True)


def test_the_forecast_sheet_holds_what_analytics_forecast_gives(demo, workbooks):
    sheet = workbooks["de"]["Prognosen"]
    assert sheet["A1"].value == f"Prognose der Scorecard-Kennzahlen nach {PERIOD}, mit 80-%-Intervall, gegen das Ziel"
    (shown,) = tables(sheet)
    expected = _expected_forecasts(demo)
    assert len(expected) >= 8 and shown["Kennzahl"].tolist() == expected["kpi"].tolist()
    assert shown["Periode"].tolist() == expected["period"].tolist()
    assert shown["Periode"].iloc[0] == "2026-Q1"
    for column, field in (("Prognose", "value"), ("untere 80-%-Grenze", "lower"), ("obere 80-%-Grenze", "upper"),
                          ("Ziel", "target"), ("MASE Verfahren", "mase"), ("MASE saisonal-naiv", "naive")):
        assert shown[column].astype(float).tolist() == pytest.approx(expected[field].tolist(), nan_ok=True), column
    words = {"ets": "Exponentielle Glättung (ETS)", "seasonal_naive": "saisonal-naiv („wie vor einem Jahr“)"}
    assert shown["Verfahren"].tolist() == [
        "saisonal-naiv (Verlauf zu kurz für einen Rückblicktest)" if r == "too_short" else words[m]
        for m, r in zip(expected["method"], expected["reason"])]
    assert shown["Ampel der Prognose"].tolist() == expected["status"].map(
        {"green": "Grün", "amber": "Gelb", "red": "Rot", "grey": "Grau"}).tolist()
    assert "ets" in set(expected["method"])  # the demo has a KPI where ETS won its backtest


def test_the_forecast_sheet_formats_by_unit_and_colours_the_light(workbooks):
    sheet = workbooks["de"]["Prognosen"]
    header = [c.value for c in sheet[2]]
    rows = {(sheet.cell(r, 1).value, sheet.cell(r, 2).value): r for r in range(3, sheet.max_row + 1)}
    value = header.index("Prognose") + 1
    assert sheet.cell(rows[("Neukunden", "2026-Q1")], value).number_format == "#,##0"
    assert sheet.cell(rows[("Kampagnen-Responsequote", "2026-Q1")], value).number_format == "0.0%"
    assert sheet.cell(3, header.index("MASE saisonal-naiv") + 1).number_format == "0.00"
    assert sheet.conditional_formatting, "the forecast's light is coloured"


def test_the_channel_plan_sheet_holds_the_plan_per_segment(demo, workbooks):
    session, settings, engine, client, info = demo
    expected = plan(source(settings, info), by=("segment",))
    sheet = workbooks["de"]["Kanalplan"]
    assert sheet["A1"].value.startswith("Kanalplan je Segment")
    summary, per_channel, sources = tables(sheet)
    s = expected.summary
    assert summary["Kontakte"].tolist() == s["contacts"].tolist()
    assert summary["Wert des tatsächlichen Mix"].tolist() == pytest.approx(s["actual_value"].tolist())
    assert summary["Wert nach Plan"].tolist() == pytest.approx(s["plan_value"].tolist())
    assert summary["Mehrwert des Plans"].tolist() == pytest.approx(s["uplift"].tolist())
    assert summary["Segment"].tolist() == [name_for("charts.label", v, "de") for v in s["segment"]]
    assert "Großkunden" in set(summary["Segment"])  # in words, not the id
    p = expected.plan
    assert len(per_channel) == len(p)
    for column, field in (("Kontakte", "contacts"), ("Antworten", "responses"), ("Abschlüsse", "conversions"),
                          ("Abschlüsse je Kontakt", "conversions_per_contact"), ("Umsatz der Gruppe", "value_revenue"),
                          ("Bestellungen der Gruppe", "value_orders"), ("Wert je Abschluss", "value_per_conversion"),
                          ("Kosten je Kontakt", "cost_per_contact"),
                          ("erwarteter Wert je Kontakt", "expected_value_per_contact"),
                          ("untere 95-%-Grenze", "lower"), ("obere 95-%-Grenze", "upper"),
                          ("Kosten bei null Wert", "break_even_cost")):
        assert per_channel[column].astype(float).tolist() == pytest.approx(p[field].tolist(), nan_ok=True), column
    assert (per_channel["empfohlen"] == "ja").tolist() == p["recommended"].tolist()
    # each figure is its inputs: value = conversions / contacts x revenue / orders - cost
    rebuilt = (per_channel["Abschlüsse"] / per_channel["Kontakte"] * per_channel["Umsatz der Gruppe"]
               / per_channel["Bestellungen der Gruppe"] - per_channel["Kosten je Kontakt"])
    assert rebuilt.tolist() == pytest.approx(per_channel["erwarteter Wert je Kontakt"].astype(float).tolist())
    assert sources["Zahl"].iloc[0] == "erwarteter Wert je Kontakt" and len(sources) == 8


def test_english_sheets(workbooks):
    book = workbooks["en"]
    assert {"Forecasts", "Channel plan"} <= set(book.sheetnames)
    assert book["Forecasts"]["A2"].value == "KPI" and book["Channel plan"]["A1"].value.startswith(
        "Channel plan per Segment")


@needs_poppler
def test_the_pdf_has_a_forecast_and_a_channel_plan_section(demo, tmp_path):
    from usecases.reports import build_report

    path = tmp_path / "board.pdf"
    path.write_bytes(build_report(demo[0], "pdf", PERIOD, "de").content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    forecasts = text[text.index("Prognose der Scorecard-Kennzahlen nach 2025-Q4"):]
    assert "Neukunden" in forecasts and "2026-Q1" in forecasts and "2026-Q2" in forecasts
    assert "Exponentielle Glättung" in forecasts and "2026-Q3" not in forecasts  # the board sees two periods
    channel = text[text.index("Kanalplan je Segment"):]
    assert "Großkunden" in channel and "Woher die Zahlen kommen" in channel and "Außendienst" in channel


def test_the_report_from_files_has_both_sheets(tmp_path):
    """``cli.py report --data FOLDER --pdf`` (no database): the plan's figures equal analytics.channels'."""
    from cli import main
    from tests.analytics.synthetic import response_drop, write_canonical

    write_canonical(response_drop("email"), tmp_path / "export")
    out, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    assert main(["report", "--data", str(tmp_path / "export"), "--period", PERIOD, "--lang", "en",
                 "--out", str(out), "--pdf", str(pdf)]) == 0
    book = openpyxl.load_workbook(out)
    (forecast,) = tables(book["Forecasts"])
    assert "Campaign response rate" in set(forecast["KPI"]) and forecast["Period"].iloc[0] == "2026-Q1"
    _summary, per_channel, _sources = tables(book["Channel plan"])
    expected = plan(_frames(tmp_path / "export"), by=("segment",)).plan
    assert per_channel["Contacts"].tolist() == expected["contacts"].tolist()
    assert pdf.stat().st_size > 0


def _frames(folder):
    from data.dataset import read_dataset

    return read_dataset(folder).frames


def test_a_dataset_without_campaign_contacts_says_why_it_has_no_plan(tmp_path):
    """The sheet says in German what the plan needs: the analytics error's own German text."""
    from cli import main
    from tests.analytics.synthetic import response_drop, write_canonical

    frames = {k: v for k, v in response_drop("email").items() if k != "campaign_contacts"}
    write_canonical(frames, tmp_path / "export")
    out = tmp_path / "report.xlsx"
    assert main(["report", "--data", str(tmp_path / "export"), "--out", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["Kanalplan"]
    assert sheet["A2"].value.startswith("Der Kanalplan braucht Kunden und Kampagnenkontakte.")


def test_the_cover_counts_the_kpis_forecast_red_for_the_next_quarter(demo, workbooks):
    cover = workbooks["de"]["Deckblatt"]
    values = {cover.cell(r, 1).value: cover.cell(r, 2).value for r in range(1, cover.max_row + 1)}
    expected = _expected_forecasts(demo)
    first = expected[expected["period"] == "2026-Q1"]
    assert values["Kennzahlen mit roter Prognose für 2026-Q1"] == int((first["status"] == "red").sum()) > 0
