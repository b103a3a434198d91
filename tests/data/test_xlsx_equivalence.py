"""The fast .xlsx path (fastexcel into Arrow, ``data.workbook_fast``) reads every sheet exactly as
the cell-by-cell python-calamine path did (issue 15): the same header, the same row numbers,
the same texts (``1e16`` stays ``1e+16``, a date stays ``2024-02-01``), and it declines - so the
old path answers - where it could not promise that. Hypothesis sweeps the cell shapes."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.readbase import ReadOptions
from data.workbook import read_xlsx, read_xlsx_cells
from data.workbook_fast import read_fast
from tests.fuzz import test_fuzz_export_shapes as export_shapes


def _same(path: Path, options: ReadOptions = ReadOptions(), *, fast: bool = True) -> pd.DataFrame:
    """Both paths give the same frame; ``fast``: the fast path took the sheet (did not decline)."""
    old = read_xlsx_cells(path, options)
    new = read_fast(path, options)
    if fast:
        assert new is not None, "the fast path declined a sheet it should read"
    pd.testing.assert_frame_equal(read_xlsx(path, options), old)
    if new is not None:
        pd.testing.assert_frame_equal(new, old)
    return old


def _book(path: Path, rows: list[list], formats: dict | None = None, sheet: str = "Tabelle1",
          before: int = 0, left: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    fmt = {k: book.add_format({"num_format": v}) for k, v in (formats or {}).items()}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            _write(ws, before + r, left + c, value, fmt)
    book.close()
    return path


def _write(ws, r: int, c: int, value, fmt: dict) -> None:
    if value is None:
        return
    if isinstance(value, tuple):  # ("error", "#DIV/0!") or ("serial", 45000.5, "fmt")
        if value[0] == "error":
            ws.write_formula(r, c, "=1/0", None, value[1])
        else:
            ws.write_number(r, c, value[1], fmt[value[2]])
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt["datetime"])
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, value, fmt["date"])
    elif isinstance(value, dt.time):
        ws.write_datetime(r, c, value, fmt["time"])
    else:
        ws.write_string(r, c, value)


FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "time": "hh:mm:ss", "dateonly": "dd.mm.yyyy"}


def test_a_crm_export_reads_the_same_through_fastexcel(tmp_path):
    rows = [["Kontakt ID ", " Kampagne", "Kunde", "Kanal", "Kontaktiert am", "Antwort", "Betrag"]]
    rows += [[f"K{i:05d}", f"C{i % 7:03d}", 1000 + i, ["email", "web", None][i % 3], dt.date(2024, 1, 1 + i % 28),
              i % 2 == 0, [12.0, 0.1, 1e16, 1e-7, -3.5, 123456789012345.0][i % 6]] for i in range(300)]
    frame = _same(_book(tmp_path / "export.xlsx", rows, FORMATS))
    assert list(frame.columns) == ["Kontakt ID", "Kampagne", "Kunde", "Kanal", "Kontaktiert am", "Antwort", "Betrag"]
    assert frame.index[0] == 2
    assert frame.loc[2].tolist() == ["K00000", "C000", "1000", "email", "2024-01-01", "true", "12"]
    assert frame.loc[4, "Betrag"] == "1e+16" and frame.loc[5, "Betrag"] == "1e-07"


def test_dates_datetimes_times_and_errors_read_the_same(tmp_path):
    rows = [["id", "datum", "zeitpunkt", "uhrzeit", "fehler", "serial"],
            ["a", dt.date(1950, 3, 1), dt.datetime(2024, 2, 1, 13, 45, 5), dt.time(13, 45), ("error", "#DIV/0!"),
             ("serial", 45000.5, "dateonly")],
            ["b", dt.date(2024, 2, 29), dt.datetime(2024, 2, 1), dt.time(0, 0, 1), ("error", "#N/A"),
             ("serial", 45000.0, "dateonly")],
            ["c", None, dt.datetime(1969, 7, 20, 20, 17, 40), dt.time(23, 59, 59), None, None]]
    for row, stamp in zip(rows, ["gemessen", dt.datetime(2024, 2, 1, 13, 45, 5, 500000), dt.datetime(2024, 2, 1, 13, 45, 6),
                                 dt.datetime(1969, 7, 20, 20, 17, 40, 1000)]):
        row.append(stamp)
    frame = _same(_book(tmp_path / "zeiten.xlsx", rows, FORMATS))
    assert frame["zeitpunkt"].tolist() == ["2024-02-01 13:45:05", "2024-02-01", "1969-07-20 20:17:40"]
    # a column of date-times only: the old path wrote pandas' str(Timestamp), with a shared fraction
    assert frame["gemessen"].tolist() == ["2024-02-01 13:45:05.500", "2024-02-01 13:45:06.000", "1969-07-20 20:17:40.001"]
    assert frame["uhrzeit"].tolist() == ["13:45:00", "00:00:01", "23:59:59"]
    assert frame["fehler"].isna().all()


def test_title_rows_leading_columns_and_a_second_sheet_read_the_same(tmp_path):
    path = tmp_path / "bericht.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Deckblatt").write(0, 0, "nur ein Titel")
    ws = book.add_worksheet("Aufträge")
    ws.write(1, 2, "Auftragsliste Dezember")
    for c, name in enumerate(["order_id", "", "betrag", "order_id"]):
        if name:
            ws.write_string(3, 2 + c, name)
    for r in range(5):
        ws.write_row(4 + r, 2, [f"A{r}", None, r * 1.5, f"B{r}"])
    ws.write_row(10, 2, ["A9", None, 9.0, None])  # an empty row 10 in between
    book.close()
    frame = _same(path, ReadOptions(sheet="Aufträge"))
    assert list(frame.columns) == ["column_1", "column_2", "order_id", "column_4", "betrag", "order_id.2"]
    assert frame.index.tolist() == [5, 6, 7, 8, 9, 11]
    _same(path, ReadOptions(sheet=1))


def test_formatted_empty_cells_beside_the_data_read_the_same(tmp_path):
    path = tmp_path / "formatiert.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    bold = book.add_format({"bold": True, "bg_color": "#FFFF00"})
    ws.write_row(0, 0, ["kunde", "umsatz"])
    ws.write_row(1, 0, ["K1", 12.5])
    for r in range(0, 3):
        ws.write_blank(r, 5, None, bold)  # styled, no value: not part of the sheet's data
    book.close()
    assert list(_same(path).columns) == ["kunde", "umsatz"]


def test_merged_and_ragged_rows_read_the_same(tmp_path):
    path = tmp_path / "verbunden.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Region", "Kunde", "Umsatz", "Notiz"])
    ws.append(["Süd", "K1", 10])
    ws.append([None, "K2", 20, "lang", "überstehend"])
    ws.append([None, "K3"])
    ws.merge_cells("A2:A4")
    wb.save(path)
    frame = _same(path)
    assert frame.loc[2, "Region"] == "Süd" and frame["Region"].isna().tolist() == [False, True, True]
    assert list(frame.columns)[-1] == "column_5"


def test_sheets_the_fast_path_declines_still_read_the_old_way(tmp_path):
    mixed = _book(tmp_path / "gemischt.xlsx", [["id", "wert"], ["a", 1.5], ["b", "n/a"], ["c", dt.date(2024, 1, 2)]],
                  FORMATS)
    assert read_fast(mixed, ReadOptions()) is None
    assert _same(mixed, fast=False)["wert"].tolist() == ["1.5", "n/a", "2024-01-02"]
    numeric_header = _book(tmp_path / "jahre.xlsx", [["kunde", 2024, 2025], ["K1", 1.0, 2.0]])
    assert read_fast(numeric_header, ReadOptions()) is None
    assert list(_same(numeric_header, fast=False).columns) == ["kunde", "2024.0", "2025.0"]
    durations = _book(tmp_path / "dauer.xlsx", [["id", "dauer"], ["a", ("serial", 1.25, "dauer")]],
                      {"dauer": "[h]:mm:ss"})
    assert read_fast(durations, ReadOptions()) is None
    _same(durations, fast=False)


def test_a_late_odd_cell_is_not_lost_to_fastexcels_type_sampling(tmp_path):
    """fastexcel guesses a column's type from 1000 rows by default and then turns a later text in a
    number column into null and a later number in a text column into "10000000000000000"."""
    rows = [["kunde", "umsatz"]] + [[f"K{i}", float(i)] for i in range(1500)]
    rows[1201][1], rows[1301][0] = "n/a", 1e16
    frame = _same(_book(tmp_path / "spaet.xlsx", rows), fast=False)
    assert frame.loc[1202, "umsatz"] == "n/a" and frame.loc[1302, "kunde"] == "1e+16"


# --- the sweep ---------------------------------------------------------------------------

def _to_ms(value):  # Excel keeps milliseconds
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _whole(value):
    return value.replace(microsecond=0)


_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_CELLS = {
    "text": _texts,
    "number": st.one_of(st.integers(-10**6, 10**6).map(float), st.floats(-1e20, 1e20, allow_nan=False),
                        st.sampled_from([1e16, 1e15, 999999999999999.0, 1e-7, 0.1, -0.0, 5e-324, 1.5e300])),
    "integer": st.integers(-10**9, 10**9),
    "bool": st.booleans(),
    "date": st.dates(dt.date(1900, 3, 1), dt.date(2100, 12, 31)),
    "datetime": st.one_of(st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 12, 31)).map(_to_ms),
                          st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 12, 31)).map(_whole)),
    "time": st.one_of(st.times().map(_to_ms), st.times().map(_whole)),
    "error": st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!", "#REF!"]).map(lambda e: ("error", e)),
}


@st.composite
def sheets(draw):
    width = draw(st.integers(1, 5))
    kinds = draw(st.lists(st.sampled_from([*_CELLS, "mixed"]), min_size=width, max_size=width))
    header = draw(st.lists(st.one_of(st.sampled_from(["id", " Kunde ", "Umsatz €", "Datum der Bestellung", ""]),
                                     _texts), min_size=width, max_size=width))
    if not any(h.strip() for h in header):
        header[0] = "id"
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = []
        for kind in kinds:
            cell = st.one_of(*_CELLS.values()) if kind == "mixed" else _CELLS[kind]
            row.append(draw(st.one_of(st.none(), cell)) if draw(st.integers(0, 4)) == 0 else draw(cell))
        rows.append(row[:draw(st.integers(1, width))] if draw(st.integers(0, 5)) == 0 else row)  # ragged
    return {"header": header, "rows": rows, "kinds": kinds, "before": draw(st.integers(0, 2)),
            "left": draw(st.integers(0, 2))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets())
def test_every_drawn_sheet_reads_the_same_either_way(tmp_path, sheet):
    path = _book(tmp_path / "zufall.xlsx", [sheet["header"], *sheet["rows"]], FORMATS, before=sheet["before"],
                 left=sheet["left"])
    plain = "mixed" not in sheet["kinds"] and all(h.strip() and "_x" not in h for h in sheet["header"])
    _same(path, fast=plain)  # a full text header is the header; homogeneous columns are read typed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=export_shapes.export())
def test_the_fuzzed_crm_exports_read_the_same_either_way(tmp_path, case):
    """The export shapes of tests/fuzz/test_fuzz_export_shapes.py (German dates, decimal commas,
    yes/no as X, a total row, a duplicated header), written as typed .xlsx cells."""
    entity, rows, options = case
    path = tmp_path / f"{entity}.xlsx"
    export_shapes._write_xlsx(path, entity, rows, options)
    _same(path, fast=False)
