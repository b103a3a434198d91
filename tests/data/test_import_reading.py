"""Reading exports: encodings, delimiters, title lines, leading zeros, xlsx sheets, unsafe files."""
from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.errors import DataImportError
from data.reading import MAX_COLUMNS, ReadOptions, read_table

GERMAN = ("Kunden-Nr.;Name;Umsatz;Datum;PLZ\n"
          "00123;Müller & Söhne;1.234,56;31.12.2024;01067\n"
          "00456;Schäfer;12,5;01.02.2024;80331\n")


@pytest.mark.parametrize("encoding, prefix", [("cp1252", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")],
                         ids=["cp1252", "utf-8-bom", "utf-8"])
def test_german_export_in_each_encoding(tmp_path, encoding, prefix):
    path = tmp_path / "kunden.csv"
    path.write_bytes(prefix + GERMAN.encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == ["Kunden-Nr.", "Name", "Umsatz", "Datum", "PLZ"]
    assert frame["Name"].tolist() == ["Müller & Söhne", "Schäfer"]
    assert frame["Kunden-Nr."].tolist() == ["00123", "00456"]  # leading zeros kept
    assert frame["PLZ"].tolist() == ["01067", "80331"]
    assert frame["Datum"].tolist() == ["31.12.2024", "01.02.2024"]  # still text: the mapper types it
    assert frame.index.tolist() == [2, 3]
    assert all(str(t) == "string" for t in frame.dtypes)


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiter_is_detected(tmp_path, delimiter):
    path = tmp_path / "x.csv"
    path.write_text(delimiter.join(["id", "kanal", "wert"]) + "\n" + delimiter.join(["01", "web", "3"]) + "\n",
                    encoding="utf-8")
    assert read_table(path).to_dict("records") == [{"id": "01", "kanal": "web", "wert": "3"}]


def test_title_lines_above_the_header_are_skipped_and_rows_keep_their_line(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("CRM-Export vom 01.03.2024\n\nid;kanal;wert\n1;web;2\n2;mailing;\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["id", "kanal", "wert"]
    assert frame.index.tolist() == [4, 5]
    assert frame["wert"].isna().tolist() == [False, True]


def test_quoted_fields_with_delimiters_and_newlines(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('id;notiz\n1;"a; b"\n2;"zwei\nZeilen"\n', encoding="utf-8")
    assert read_table(path)["notiz"].tolist() == ["a; b", "zwei\nZeilen"]


def test_ragged_line_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a;b\n1;2\n3;4;5\n", encoding="utf-8")
    with pytest.raises(DataImportError) as err:
        read_table(path)
    assert "bad.csv: line 3" in str(err.value)
    assert "expected 2 fields, found 3" in str(err.value)


def test_size_limit_and_column_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a;b\n" + "1;2\n" * 1000, encoding="utf-8")
    with pytest.raises(DataImportError, match="more than the limit"):
        read_table(path, ReadOptions(max_bytes=1000))
    wide = tmp_path / "wide.csv"
    wide.write_text(";".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n", encoding="utf-8")
    with pytest.raises(DataImportError, match=f"more than {MAX_COLUMNS}"):
        read_table(wide)


def _workbook(path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Info"
    wb.active["A1"] = "Exportiert am 01.03.2024"
    ws = wb.create_sheet("Kontakte")
    ws.append(["Kampagnenbericht"])
    ws.append([])
    ws.append(["Kanal", "Reaktion", "Kunde", "Datum", "Kosten"])
    ws.append(["E-Mail", "ja", "00123", date(2024, 3, 1), 0.5])
    ws.append(["Telefon", "nein", 456, datetime(2024, 3, 2, 10, 30), 4])
    wb.save(path)


@pytest.mark.parametrize("sheet", ["Kontakte", 1])
def test_xlsx_second_sheet_by_name_or_index(tmp_path, sheet):
    path = tmp_path / "kontakte.xlsx"
    _workbook(path)
    frame = read_table(path, ReadOptions(sheet=sheet))
    assert list(frame.columns) == ["Kanal", "Reaktion", "Kunde", "Datum", "Kosten"]
    assert frame.index.tolist() == [4, 5]  # Excel's row numbers
    assert frame["Kunde"].tolist() == ["00123", "456"]
    assert frame["Datum"].tolist() == ["2024-03-01", "2024-03-02 10:30:00"]
    assert frame["Kosten"].tolist() == ["0.5", "4"]


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path):
    path = tmp_path / "k.xlsx"
    _workbook(path)
    with pytest.raises(DataImportError, match=r"sheet 'Daten' not found; sheets: \['Info', 'Kontakte'\]"):
        read_table(path, ReadOptions(sheet="Daten"))


def test_xlsm_is_refused(tmp_path):
    path = tmp_path / "makro.xlsm"
    _workbook(path)
    with pytest.raises(DataImportError, match="macro-enabled"):
        read_table(path)


def test_xlsx_with_a_vba_part_is_refused(tmp_path):
    path = tmp_path / "versteckt.xlsx"
    _workbook(path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"\0" * 100)
    with pytest.raises(DataImportError, match="contains macros"):
        read_table(path)


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 50_000_000 + b">")
    assert path.stat().st_size < 200_000
    with pytest.raises(DataImportError, match="zip bomb"):
        read_table(path)


@pytest.mark.parametrize("name, message", [("a.xls", "old Excel format"), ("a.json", "unsupported file type"),
                                           ("missing.csv", "file not found")])
def test_other_files_are_refused(tmp_path, name, message):
    path = tmp_path / name
    if name != "missing.csv":
        path.write_bytes(b"x")
    with pytest.raises(DataImportError, match=message):
        read_table(path)


def test_not_a_zip_is_a_clear_error(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("id;x\n1;2\n")
    with pytest.raises(DataImportError, match="not a valid .xlsx"):
        read_table(path)


CELL = st.text(alphabet="0123456789abcÄÖÜäöüß .,-€'", min_size=0, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CELL, CELL, CELL), min_size=1, max_size=15),
       encoding=st.sampled_from(["cp1252", "utf-8-sig", "utf-8"]), delimiter=st.sampled_from([";", ",", "\t", "|"]))
def test_any_text_table_reads_back_unchanged(tmp_path, rows, encoding, delimiter):
    """Whatever the encoding and delimiter, cells come back exactly as written (empty -> missing)."""
    path = tmp_path / "t.csv"
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["Kundennr", "Name", "Betrag"])
        writer.writerows(rows)
    raw = path.read_bytes()
    if encoding == "cp1252" and not raw.isascii():
        try:  # cp1252 bytes that happen to be valid UTF-8 ("Ä€" = C4 80) read as UTF-8: a known limit
            raw.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    frame = read_table(path, ReadOptions(delimiter=delimiter))
    got = [[None if pd.isna(v) else v for v in r] for r in frame.itertuples(index=False)]
    want = [[c if c != "" else None for c in r] for r in rows]
    assert list(frame.columns) == ["Kundennr", "Name", "Betrag"]
    assert got == want


def test_trailing_delimiters_leave_no_blank_columns(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("id;kanal;\n1;web;\n2;store;\n", encoding="utf-8")
    assert list(read_table(path).columns) == ["id", "kanal"]


def test_a_byte_undefined_in_cp1252_does_not_stop_the_import(tmp_path):
    path = tmp_path / "alt.csv"
    path.write_bytes("id;name\n001;Müller\n002;M".encode("cp1252") + b"\x81ller\n")
    frame = read_table(path)
    assert frame["id"].tolist() == ["001", "002"]
    assert frame["name"].tolist() == ["Müller", "M\ufffdller"]
