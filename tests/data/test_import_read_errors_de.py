"""A file that cannot be read is refused in the user's language (issue 14.7): every refusal in
``data/reading.py`` names its translation, the German text is German with the same placeholders,
and the problem keeps the file and line it was located at."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from core.errors import DataImportError
from core.i18n import t
from data.reading import read_table
from data.readbase import ReadOptions

ROOT = Path(__file__).resolve().parents[2]
REFUSALS = ("fail", "DataImportError", "Problem")


def _calls(module: str) -> list[ast.Call]:
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and (n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")) in REFUSALS]


def _keys(call: ast.Call) -> dict[str, str]:
    return {k.arg: k.value.value for k in call.keywords if k.arg in ("key", "hint_key")
            and isinstance(k.value, ast.Constant)}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_refusal_of_the_csv_reader_names_its_translation():
    calls = _calls("data/reading.py")
    assert len(calls) >= 15
    unkeyed = [c.lineno for c in calls if "key" not in _keys(c)]
    assert unkeyed == []


@pytest.mark.parametrize("key", sorted({k for c in _calls("data/reading.py") for k in _keys(c).values()}
                                       | {"import.read.failed"}))
def test_every_reader_key_is_german_with_the_english_placeholders(key):
    de, en = t(key, "de"), t(key, "en")
    assert de != key and en != key
    assert de != en
    assert _fields(de) == _fields(en)


def _refused(path: Path, **options) -> DataImportError:
    with pytest.raises(DataImportError) as caught:
        read_table(path, ReadOptions(**options))
    return caught.value


def test_a_ragged_line_is_refused_in_german_with_file_and_line(tmp_path):
    path = tmp_path / "kontakte.csv"
    path.write_text("a;b;c\n1;2;3\n4;5\n6;7;8\n", encoding="utf-8")
    error = _refused(path)
    assert error.text("de") == "Die Datei „kontakte.csv“ kann nicht gelesen werden."
    problem = error.problems[0]
    assert problem.where == "kontakte.csv: line 3"
    assert problem.text("de") == "3 Felder erwartet, 2 gefunden"
    assert error.hint_text("de") == "Prüfen Sie Trennzeichen und Anführungszeichen in dieser Zeile."
    assert error.message == "kontakte.csv: line 3: expected 3 fields, found 2"  # the command line keeps English


def test_missing_empty_too_big_utf16_and_nul_files_read_german(tmp_path):
    assert _refused(tmp_path / "fehlt.csv").problems[0].text("de") == "Datei nicht gefunden"
    (tmp_path / "leer.csv").write_bytes(b"")
    assert _refused(tmp_path / "leer.csv").problems[0].text("de") == "Die Datei ist leer"
    (tmp_path / "gross.csv").write_text("a;b\n" + "1;2\n" * 1000, encoding="utf-8")
    big = _refused(tmp_path / "gross.csv", max_bytes=1000).problems[0]
    assert big.text("de") == "Die Datei hat 0.0 MB, mehr als die Grenze von 0 MB"
    (tmp_path / "utf16.csv").write_bytes("a;b\n1;2\n".encode("utf-16"))
    utf16 = _refused(tmp_path / "utf16.csv")
    assert utf16.problems[0].where == "utf16.csv: line 1"
    assert utf16.problems[0].text("de") == "Die Datei ist UTF-16-kodiert"
    (tmp_path / "nul.csv").write_bytes(b"a;b\n1;x\x00y\n")
    nul = _refused(tmp_path / "nul.csv")
    assert nul.text("de") == "„nul.csv“: NUL-Zeichen (\\x00) in der Datei, zuerst bei nul.csv: row 2, column 'b'"
    assert nul.problems[0].text("de") == "NUL-Zeichen (\\x00) im Wert"
