"""The Excel report, opened again with openpyxl: sheets, tables, charts, formats, values, no formulas."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from reports.columns import STATUSES, Column, Kind, resolve
from reports.excel import WorkbookBuilder
from reports.workbook import ALL_COLUMN_SPECS, build_workbook
from tests.reports.samples import sample_content

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def _build(content) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    build_workbook(content, buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def _rows(ws, table_name: str) -> pd.DataFrame:
    table = ws.tables[table_name]
    cells = [[c.value for c in row] for row in ws[table.ref]]
    return pd.DataFrame(cells[1:], columns=cells[0])


@pytest.fixture(scope="module")
def book_de():
    return _build(sample_content("de"))


def test_sheets_in_order_and_stamp_hidden(book_de):
    assert book_de.sheetnames == ["Deckblatt", "Reifegrad", "Fragen", "Roadmap", "Balanced Scorecard",
                                  "KPI Umsatz nach Kanal", "KPI Churn-Rate je Quartal", "Kundenlebenszyklus",
                                  "Datenqualität", "stamp"]
    assert book_de["stamp"].sheet_state == "hidden"
    stamp = {r[0]: r[1] for r in book_de["stamp"].iter_rows(values_only=True)}
    assert stamp["model_version"] == "1.2" and stamp["dataset_version"] == "orders@7"
    assert stamp["generator"].startswith("crm-cockpit ") and stamp["created_at"] == "2025-03-31T09:30:00"
    assert book_de.custom_doc_props["model_id"].value == "crm_default"


def test_english_labels():
    book = _build(sample_content("en"))
    assert book.sheetnames[:5] == ["Cover", "Maturity", "Questions", "Roadmap", "Balanced scorecard"]
    assert [c.value for c in book["Maturity"][1]][:3] == ["Domain", "Weight", "Current"]


def test_maturity_table_values_and_radar(book_de):
    ws = book_de["Reifegrad"]
    frame = _rows(ws, "T1_Reifegrad")
    expected = sample_content().maturity.domains
    assert frame["Bereich"].tolist() == expected["domain"].tolist()
    assert frame["Ist"].tolist() == expected["score"].tolist()
    assert frame["Stufe"].tolist() == [2, 3, 1]
    assert ws.freeze_panes == "A2"
    assert ws["C2"].number_format == "#,##0.0" and ws["G2"].number_format == "#,##0"
    (chart,) = ws._charts
    assert type(chart).__name__ == "RadarChart"
    refs = [s.val.numRef.f for s in chart.series]
    assert refs == ["Reifegrad!$C$2:$C$4", "Reifegrad!$D$2:$D$4"]
    assert chart.series[0].cat.strRef.f == "Reifegrad!$A$2:$A$4"


def test_scorecard_formats_per_unit_and_traffic_lights(book_de):
    ws = book_de["Balanced Scorecard"]
    assert ws.freeze_panes == "A3"  # title row, header row
    header = [c.value for c in ws[2]]
    assert header == ["Perspektive", "Ziel (strategisch)", "Kennzahl", "Ist-Wert", "Ziel", "Zielerreichung",
                      "Ampel", "Trend"]
    actual = [ws.cell(r, 4) for r in range(3, 7)]
    assert [c.value for c in actual] == [1234.56, 0.123, 31.0, 42.5]
    assert [c.data_type for c in actual] == ["n"] * 4
    assert [c.number_format for c in actual] == ["#,##0.00 [$€-407]", "0.0%", "#,##0.0", '#,##0.0 "Tage"']
    assert ws["F3"].number_format == "0.0%"
    assert [ws.cell(r, 7).value for r in range(3, 7)] == ["Rot", "Gelb", "Grün", "Grau"]
    rules = {rule.formula[0]: rule for cf in ws.conditional_formatting for rule in cf.rules
             if "G3" in str(cf.sqref)}
    assert set(rules) == {'"Grün"', '"Gelb"', '"Rot"', '"Grau"'}
    assert rules['"Rot"'].dxf.fill.bgColor.rgb.endswith("FFC7CE")
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0  # width 1 is the default
    assert "&P" in ws.oddFooter.right.text and "Muster && Co. GmbH" in ws.oddHeader.left.text
    assert any(type(c).__name__ == "BarChart" for c in ws._charts)


def test_kpi_sheets_have_native_charts_and_formats(book_de):
    ws = book_de["KPI Umsatz nach Kanal"]
    (chart,) = ws._charts
    assert type(chart).__name__ == "BarChart" and chart.type == "col"
    assert chart.series[0].val.numRef.f == "'KPI Umsatz nach Kanal'!$B$3:$B$5"
    assert ws["B3"].value == 12000.5 and ws["B3"].number_format == "#,##0.00 [$€-407]"
    assert ws["C3"].value == 120 and ws["C3"].number_format == "#,##0"
    line = book_de["KPI Churn-Rate je Quartal"]
    assert type(line._charts[0]).__name__ == "LineChart" and line["B5"].number_format == "0.0%"
    funnel = book_de["Kundenlebenszyklus"]
    assert funnel._charts[0].type == "bar"


def test_cover_key_figures_and_dates(book_de):
    ws = book_de["Deckblatt"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert values["CRM-Reifegradindex"].value == 2.6
    assert values["Reifegradstufe"].value == 1 and values["Reifegradstufe"].data_type == "n"  # numpy int
    assert values["Zielerreichung Scorecard gesamt"].number_format == "0.0%"
    assert values["Kennzahlen verfehlt (rot)"].value == 1
    assert values["Erstellt am"].is_date and values["Erstellt am"].number_format == "dd.mm.yyyy"
    assert values["Mandant"].value == "Muster & Co. GmbH"


def test_missing_values_are_blank_not_text(book_de):
    ws = book_de["Fragen"]
    assert ws["D4"].value is None and ws["F3"].value is None  # NaN answer, None note


def test_empty_report_is_still_a_report():
    from reports.content import ReportContent
    book = _build(ReportContent(client="Leer GmbH", period="2025"))
    assert book.sheetnames == ["Deckblatt", "stamp"]


def test_streaming_mode_keeps_every_value():
    buffer = io.BytesIO()
    build_workbook(sample_content(), buffer, constant_memory=True)
    book = openpyxl.load_workbook(buffer)
    ws = book["Balanced Scorecard"]
    assert not ws.tables and ws.auto_filter.ref == "A2:H6"  # no Excel tables when streaming
    assert [ws.cell(r, 3).value for r in range(3, 7)] == ["Umsatz je Kunde", "Churn-Rate", "NPS", "Vertriebszyklus"]
    assert ws["D3"].number_format == "#,##0.00 [$€-407]"
    assert type(book["Reifegrad"]._charts[0]).__name__ == "RadarChart"


def test_deterministic_bytes():
    one, two = io.BytesIO(), io.BytesIO()
    build_workbook(sample_content(), one)
    build_workbook(sample_content(), two)
    assert one.getvalue() == two.getvalue()


@pytest.mark.parametrize("text", INJECTIONS, ids=repr)
def test_no_formula_cell_anywhere(text):
    book = _build(sample_content("de", text=text, raw_rows=4))
    text = text.replace("\r", "_x000D_")  # how xlsx stores a CR (Excel reads it back as CR; openpyxl does not)
    found = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} became a formula"
                found += cell.value == text
    assert found >= 10  # the text is kept as it was, in every sheet that shows it
    shown = {ws.title for ws in book.worksheets for row in ws.iter_rows(values_only=True) if text in row}
    assert {"Deckblatt", "Reifegrad", "Fragen", "Roadmap", "Balanced Scorecard", "KPI Umsatz nach Kanal",
            "Datenqualität", "Rohdaten orders"} <= shown


@pytest.mark.parametrize("streaming", [False, True], ids=["tables", "constant_memory"])
def test_risky_column_names_stay_text(streaming):
    frame = pd.DataFrame({"=cmd|'/C calc'!A0": ["a"], "@x": [1.0]})
    buffer = io.BytesIO()
    book = WorkbookBuilder(buffer, constant_memory=streaming)
    book.add_table("raw", frame, resolve(frame))
    book.close()
    ws = openpyxl.load_workbook(buffer)["raw"]
    assert [(c.value, c.data_type) for c in ws[1]] == [("=cmd|'/C calc'!A0", "s"), ("@x", "s")]


def test_label_keys_exist():
    from core.i18n import keys
    labels = {c.label for spec in ALL_COLUMN_SPECS for c in spec}
    assert labels <= keys()
    assert {f"report.status.{s}" for s in STATUSES} <= keys()


def test_large_raw_sheet_writes_fast(tmp_path):
    rows = 100_000
    frame = pd.DataFrame({"order_id": pd.array([f"o{i}" for i in range(rows)], dtype="string"),
                          "order_date": pd.date_range("2024-01-01", periods=rows, freq="min"),
                          "revenue": pd.Series(range(rows), dtype="float64") / 4,
                          "quantity": pd.Series(range(rows), dtype="int64") % 7})
    target = tmp_path / "raw.xlsx"
    book = WorkbookBuilder(target, constant_memory=True)
    book.add_table("raw", frame, [Column("order_id"), Column("order_date", kind=Kind.DATE),
                                  Column("revenue", kind=Kind.CURRENCY), Column("quantity", kind=Kind.INTEGER)])
    book.close()
    back = openpyxl.load_workbook(target, read_only=True)["raw"]
    last = next(back.iter_rows(min_row=rows + 1, max_row=rows + 1))
    assert [c.value for c in last] == ["o99999", pd.Timestamp("2024-03-10 10:39").to_pydatetime(), 24999.75, 4]
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert f'<dimension ref="A1:D{rows + 1}"/>' in sheet
    assert "<f>" not in sheet and '<autoFilter ref="A1:D100001"/>' in sheet
