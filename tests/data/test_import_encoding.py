"""No silent damage on import (issue 16.10): the encoding is decided on the whole file, a file
mixing UTF-8 and cp1252 is refused at its first bad byte, NUL characters are refused with row and
column, and an honest .xlsx that would unpack beyond COCKPIT_MAX_XLSX_UNPACKED_MB is refused
before it is read.
"""
from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
import xlsxwriter

from core.errors import DataImportError
from data.encoding import first_bad_utf8, line_at
from data.reading import ReadOptions, read_table
from data.workbook import check_xlsx_container

HEADER = "Kundennr;Name;Ort\n"
ROWS = 8000  # 8000 x ~34 bytes: the odd byte comes after the first 256 kB the reader looks at first


def _rows(name: str = "Müller", city: str = "Köln") -> str:
    return "".join(f"K{i:05d};{name};{city}\n" for i in range(ROWS))


def test_a_clean_cp1252_file_is_cp1252_throughout(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes((HEADER + "K99999;Meier;Bonn\n" * 9000 + _rows()).encode("cp1252"))  # ASCII head
    frame = read_table(path)
    assert len(frame) == 9000 + ROWS
    assert set(frame["Name"]) == {"Meier", "Müller"} and set(frame["Ort"]) == {"Bonn", "Köln"}


def test_utf8_with_one_cp1252_byte_after_the_head_is_refused_at_that_byte(tmp_path):
    """Before: the whole file was re-decoded as cp1252 and 8000 'Müller' became 'MÃ¼ller'."""
    path = tmp_path / "kunden.csv"
    good = (HEADER + _rows()).encode("utf-8")
    path.write_bytes(good + "K09999;Jürgen;Köln\n".encode("cp1252"))
    offset = len(good) + len("K09999;J")
    with pytest.raises(DataImportError) as caught:
        read_table(path)
    text = caught.value.describe()
    assert f"kunden.csv: line {ROWS + 2}" in text and f"offset {offset}" in text and "0xFC" in text
    assert "mixed encodings" in text and "line 2 (offset" in text  # where the UTF-8 text is
    assert "UTF-8" in caught.value.hint


def test_cp1252_head_with_utf8_text_later_is_refused_too(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes((HEADER + "K00000;Jürgen;Köln\n").encode("cp1252") + _rows().encode("utf-8"))
    with pytest.raises(DataImportError, match=r"kunden.csv: line 2: mixed encodings: byte 0xFC at offset 26"):
        read_table(path)


def test_an_explicit_utf8_encoding_fails_at_the_first_bad_byte(tmp_path):
    """Before: the bad byte silently became U+FFFD."""
    path = tmp_path / "kunden.csv"
    path.write_bytes(HEADER.encode() + b"K1;Meier;Bonn\nK2;M\xfcller;Bonn\n")
    with pytest.raises(DataImportError, match=r"line 3: byte 0xFC at offset 36 is not UTF-8"):
        read_table(path, ReadOptions(encoding="utf-8"))
    assert read_table(path, ReadOptions(encoding="cp1252"))["Name"].tolist() == ["Meier", "Müller"]


def test_utf16_is_refused(tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes(HEADER.encode("utf-16") + "K1;Müller;Köln\n".encode("utf-16-le"))
    with pytest.raises(DataImportError, match="UTF-16") as caught:
        read_table(path)
    assert "CSV UTF-8" in caught.value.hint


def test_nul_characters_are_refused_with_row_and_column(tmp_path):
    """Before: 'K0\\x001' was stored as a customer id."""
    path = tmp_path / "kunden.csv"
    path.write_bytes(HEADER.encode() + b"K01;Meier;Bonn\nK0\x001;Schulz;Bonn\nK03;Lang;B\x00onn\n")
    with pytest.raises(DataImportError) as caught:
        read_table(path)
    assert [str(p.where) for p in caught.value.problems] == ["kunden.csv: row 3, column 'Kundennr'",
                                                               "kunden.csv: row 4, column 'Ort'"]
    assert "NUL" in caught.value.message and "export the file again" in caught.value.hint


def test_byte_scans_find_offsets_across_chunk_borders(tmp_path, monkeypatch):
    monkeypatch.setattr("data.encoding.CHUNK", 7)
    path = tmp_path / "t.txt"
    path.write_bytes("abcdeü\nxyzä\n".encode() + b"\xfc!")  # 'ü' is cut by the first chunk border
    assert first_bad_utf8(path) == 14
    assert line_at(path, 14) == 3 and line_at(path, 13) == 2


def _honest_workbook(path: Path, cells: int) -> Path:
    """Random text cells: compresses about 1.5:1, so no bomb check fires."""
    rng = random.Random(7)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Daten")
    ws.write_row(0, 0, ["id", "notiz"])
    for r in range(1, cells + 1):
        ws.write_string(r, 0, f"K{r}")
        ws.write_string(r, 1, "".join(rng.choices(string.ascii_letters, k=40)))
    book.close()
    return path


def test_an_xlsx_unpacking_beyond_the_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = _honest_workbook(tmp_path / "gross.xlsx", 30_000)  # unpacks to about 2.6 MB
    assert len(read_table(path)) == 30_000  # under the default of 300 MB it is read
    monkeypatch.setenv("COCKPIT_MAX_XLSX_UNPACKED_MB", "1")
    with pytest.raises(DataImportError, match=r"gross.xlsx: the workbook unpacks to \d+ MB \(sum of its parts\), "
                                              r"more than the limit of 1 MB") as caught:
        read_table(path)
    assert "COCKPIT_MAX_XLSX_UNPACKED_MB" in caught.value.hint
    with pytest.raises(DataImportError, match="more than the limit of 2 MB"):
        check_xlsx_container(path, max_unpacked_mb=2)
