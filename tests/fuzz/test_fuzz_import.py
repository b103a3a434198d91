"""Fuzzing the importers (issue 7): random and mutated CSV and xlsx bytes end in a
``DataImportError`` naming the file or in a valid result (a text frame; an ``ImportResult`` whose
bad rows are in the report), never another exception or a hang (deadline per example)."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DataImportError
from data.dataset import ImportResult, read_dataset
from data.manifest import EntityMapping, Manifest
from data.reading import read_table

FUZZ = settings(max_examples=40, deadline=3000, suppress_health_check=[HealthCheck.too_slow], database=None)

CSV = ("Bestellnr;Kunde;Kanal;Produkt;Menge;Umsatz;Datum\n"
       "A-1;0042;web;Tee;2;1.234,50;01.02.2024\n"
       "A-2;0043;Filiale;\"Kaffee; fein\";1;5,00;2024-02-03\n"
       "A-3;0042;web;Tee;-3;x;31.02.2024\n").encode("cp1252")


def _xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.add_worksheet("Titel").write(0, 0, "Export")
    sheet = book.add_worksheet("Daten")
    for r, row in enumerate([["Kanal", "Produkt", "Menge", "Datum"], ["web", "Tee", 2, "01.02.2024"],
                             ["Filiale", "Kaffee", 1.5, "2024-02-03"]]):
        sheet.write_row(r, 0, row)
    book.close()
    return buf.getvalue()


XLSX = _xlsx_bytes()


@st.composite
def mutated(draw, seed: bytes):
    """``seed`` with a few bytes replaced, inserted or deleted."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        op = draw(st.sampled_from(("replace", "insert", "delete")))
        byte = draw(st.integers(0, 255))
        if op == "replace" and data:
            data[pos] = byte
        elif op == "insert":
            data.insert(pos, byte)
        elif data:
            del data[pos]
    return bytes(data)


@st.composite
def mutated_xlsx(draw):
    """The seed workbook with one XML part mutated and re-zipped (the zip stays valid)."""
    with zipfile.ZipFile(io.BytesIO(XLSX)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    name = draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    parts[name] = draw(mutated(parts[name]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    return buf.getvalue()


def _read(data: bytes, name: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            frame = read_table(path)
        except DataImportError as exc:
            assert name in exc.describe()
            return None
        assert isinstance(frame, pd.DataFrame)
        assert all(str(dtype) == "string" for dtype in frame.dtypes), frame.dtypes
        return frame


def _dataset(data: bytes, name: str):
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_bytes(data)
        manifest = Manifest({"orders": EntityMapping("orders", name, columns={"channel": "Kanal",
                                                                              "product": "Produkt"})}, Path(tmp))
        try:
            result = read_dataset(manifest)
        except DataImportError as exc:
            assert name in exc.describe()
            return None
        assert isinstance(result, ImportResult)
        frame = result.frames["orders"]
        assert list(frame.columns[:2]) == ["channel", "product"]
        assert len(frame) + result.report.rejected.get("orders", 0) == result.report.rows["orders"]
        return result


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_as_csv(data):
    _read(data, "zufall.csv")


@FUZZ
@given(mutated(CSV))
def test_mutated_csv_reads_or_is_refused(data):
    _read(data, "export.csv")
    _dataset(data, "export.csv")


@FUZZ
@given(st.text(alphabet=st.sampled_from(list(';,\t|"\n\r ab1,.-äöü=@')), max_size=400))
def test_csv_like_text(text):
    _dataset(text.encode("utf-8"), "text.csv")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_as_xlsx(data):
    assert _read(data, "zufall.xlsx") is None  # never a workbook


@FUZZ
@given(mutated(XLSX))
def test_mutated_xlsx_bytes(data):
    _read(data, "mappe.xlsx")


@FUZZ
@given(mutated_xlsx())
def test_mutated_xlsx_parts(data):
    _read(data, "mappe.xlsx")
    _dataset(data, "mappe.xlsx")
