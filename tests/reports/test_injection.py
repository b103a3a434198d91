"""One formula-injection rule (``core.cells``) in every CSV and Excel export, tested with the OWASP
payload list in ``csv_injection_payloads.yaml`` (issue 16.8).

Exports covered: the download CSV (``reports.cells.safe_csv``), the validation report CSV
(``data.validation.write_report_csv``), the rejected-rows CSV (``services.import_session``), the
Excel report builder (``reports.excel.WorkbookBuilder``, read back with openpyxl) and the answer
sheet template (``assessment.sheets.write_template``).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from assessment.loader import load_model
from assessment.sheets import write_template
from core.cells import is_risky, neutralise, neutralise_frame, risky_mask
from data.dataset import read_dataset
from data.validation import write_report_csv
from reports.cells import safe_csv
from reports.columns import Column, Kind
from reports.excel import WorkbookBuilder
from services.import_session import rejected_csv

MODELS = Path(__file__).resolve().parents[2] / "config" / "models"
CASES = yaml.safe_load((Path(__file__).parent / "csv_injection_payloads.yaml").read_text(encoding="utf-8"))
PAYLOADS: list[str] = CASES["payloads"]
PLAIN: list[str] = CASES["plain"]


@pytest.mark.parametrize("text", PAYLOADS, ids=repr)
def test_every_payload_is_risky_and_gets_a_quote(text):
    assert is_risky(text)
    assert neutralise(text) == "'" + text
    assert risky_mask(pd.Series([text], dtype="string")).tolist() == [True]  # the vectorised form agrees


@pytest.mark.parametrize("text", PLAIN, ids=repr)
def test_plain_texts_and_signed_numbers_pass_unchanged(text):
    assert not is_risky(text)
    assert neutralise(text) == text
    assert risky_mask(pd.Series([text], dtype="string")).tolist() == [False]


def test_safe_csv_quotes_every_payload_and_keeps_negative_numbers_numbers():
    frame = pd.DataFrame({"text": PAYLOADS, "amount": [-2.5] * len(PAYLOADS)})
    body = safe_csv(frame, "en").decode("utf-8-sig")
    back = list(csv.reader(io.StringIO(body, newline="")))
    assert back[0] == ["text", "amount"]
    assert [row[0] for row in back[1:]] == ["'" + p for p in PAYLOADS]
    assert {row[1] for row in back[1:]} == {"-2.5"}  # a number column is never quoted


def _orders(folder: Path) -> Path:
    """An orders export whose every row is rejected (negative quantity) and carries a payload."""
    lines = ["channel;product;quantity;revenue;@Notiz"]
    lines += [f'web;"{p.replace(chr(34), chr(34) * 2)}";-1;10;x' for p in PAYLOADS if not p.startswith(("\t", "\r", " "))]
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_validation_report_and_rejected_rows_csv_quote_every_payload(tmp_path):
    result = read_dataset(_orders(tmp_path))
    expected = {"'" + p for p in PAYLOADS if not p.startswith(("\t", "\r", " "))}
    assert result.rejected_counts == {"orders": len(expected)}

    rejected = pd.read_csv(io.BytesIO(rejected_csv(result, "orders")), dtype=str, keep_default_na=False,
                           encoding="utf-8-sig")
    assert set(rejected["product"]) == expected  # '-2+3+cmd|...' was written verbatim before
    assert set(rejected["quantity"]) == {"-1"}  # a plain negative number stays re-importable
    assert "'@Notiz" in rejected.columns  # a source header is text the spreadsheet reads, too

    out = tmp_path / "report.csv"
    write_report_csv(result.report, out)
    report = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert not any(is_risky(v) for column in report for v in report[column])
    assert set(report["value"]) == {"-1"}


def test_neutralise_frame_quotes_headers_and_keeps_duplicate_columns():
    frame = pd.DataFrame([["=1+1", -3.0]], columns=["=x", "=x"])
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=x", "'=x"]
    assert out.iloc[0].tolist() == ["'=1+1", -3.0]


def test_workbook_writes_payloads_as_quote_prefixed_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "risky.xlsx"
    book = WorkbookBuilder(str(path), lang="de", client="=Kunde", title="@Bericht")
    frame = pd.DataFrame({"text": PAYLOADS + PLAIN[:3], "amount": [-5.0] * (len(PAYLOADS) + 3)})
    book.add_table("Daten", frame, [Column("text", "report.col.kpi", Kind.TEXT), Column("amount", "report.col.actual",
                                                                                      Kind.NUMBER)])
    book.add_cover("Deckblatt", "=Titel", [("Kunde", "-2+3+cmd|' /C calc'!A0"), ("Stand", "-12")])
    book.close()

    wb = openpyxl.load_workbook(path)
    cells = {c.value: c for row in wb["Daten"].iter_rows(min_col=1, max_col=1) for c in row}
    for text in PAYLOADS:
        cell = cells[text.replace("\r", "_x000D_")]  # the text itself (a CR is stored escaped; Excel decodes it)
        assert (cell.data_type, cell.quotePrefix) == ("s", True), repr(text)
    for text in PLAIN[:3]:
        assert (cells[text].data_type, cells[text].quotePrefix) == ("s", False)
    amounts = [row[0] for row in wb["Daten"].iter_rows(min_row=2, min_col=2, max_col=2)]
    assert {(c.data_type, c.value) for c in amounts} == {("n", -5)}
    cover = wb["Deckblatt"]
    assert (cover["A1"].value, cover["A1"].quotePrefix) == ("=Titel", True)
    assert (cover["B3"].value, cover["B3"].data_type, cover["B3"].quotePrefix) == ("-2+3+cmd|' /C calc'!A0", "s", True)
    assert cover["B4"].quotePrefix is False
    assert not [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_answer_sheet_template_never_holds_a_formula(tmp_path):
    model = load_model(MODELS / "crm_default.yaml")
    csv_path = write_template(model, tmp_path / "sheet.csv", participants=["=Anna", "-2+3+cmd|' /C calc'!A0"])
    text = csv_path.read_text(encoding="utf-8-sig")
    assert ";'=Anna;" in text and ";'-2+3+cmd|' /C calc'!A0;" in text
    xlsx = write_template(model, tmp_path / "sheet.xlsx", participants=["=Anna"])
    wb = openpyxl.load_workbook(xlsx)
    assert not [c.coordinate for row in wb.active.iter_rows() for c in row if c.data_type == "f"]
    assert "=Anna" in {c.value for row in wb.active.iter_rows() for c in row}
