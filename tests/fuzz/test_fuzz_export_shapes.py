"""Property sweep over the shapes real CRM exports have (issue 15.3): whatever combination of
them a file shows, reading + mapping + validating it either brings rows in (every row is valid or
rejected with a located reason) or raises a ``DataImportError`` whose problems say where; never
another exception. The report and rejected-rows CSVs are written for every result, too.

Shapes: ``;`` with decimal comma and thousands dots or ``,`` with points, BOM, CRLF, cp1252,
quoted headers with trailing spaces, duplicated header names, an all-empty column, a column that
is entirely one unknown value, a trailing total row, Excel serial dates, ``01.02.2024 13:45``,
yes/no as ``X``/empty; the same rows as an .xlsx with typed cells.
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.cells import is_risky
from core.errors import DataImportError
from data.dataset import ImportResult, read_dataset
from data.manifest import EntityMapping, Manifest
from data.validation import write_report_csv
from services.import_session import rejected_csv

SWEEP = settings(max_examples=40, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# entity -> (source header, canonical field, kind) in file order
LAYOUTS = {
    "orders": [("Bestellnr", "order_id", "id"), ("Kunde", "customer_id", "id"), ("Kanal", "channel", "word"),
               ("Produkt", "product", "word"), ("Menge", "quantity", "number"), ("Umsatz", "revenue", "money"),
               ("Datum", "order_date", "date")],
    "customers": [("Kundennr", "customer_id", "id"), ("Segment", "segment", "word"), ("Angelegt", "created_at", "date"),
                  ("Abgewandert", "churned", "flag"), ("Kündigung", "churned_at", "date")],
}
WORDS = ["web", "Filiale", "Katalog", "Tee", "Kaffee; fein", "Großkunde", "=HYPERLINK(\"x\")", "-2+3", "k.A.", ""]


def _money(value: float, german: bool) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if german else text


@st.composite
def cell(draw, kind: str, german: bool):
    if kind == "id":
        return draw(st.sampled_from(["", "0042", "K-7", "A 1"]) | st.integers(1, 99999).map(str))
    if kind == "word":
        return draw(st.sampled_from(WORDS))
    if kind == "number":
        return draw(st.sampled_from(["", "1", "2", "-3", "k.A.", "1,5" if german else "1.5"]))
    if kind == "money":
        return draw(st.floats(-1e6, 1e7, allow_nan=False).map(lambda v: _money(v, german)) | st.just(""))
    if kind == "flag":
        return draw(st.sampled_from(["X", "x", "", "ja", "nein", "vielleicht"]))
    return draw(st.sampled_from(["01.02.2024", "2024-02-01", "01.02.2024 13:45", "45321", "31.02.2024", "",
                                 "2024-02-01T08:30:00", "gestern"]))


@st.composite
def export(draw):
    """(entity, header names as written, rows as text, options) of one export."""
    entity = draw(st.sampled_from(sorted(LAYOUTS)))
    layout = LAYOUTS[entity]
    german = draw(st.booleans())
    rows = draw(st.lists(st.tuples(*[cell(kind, german) for _, _, kind in layout]), max_size=12))
    rows = [list(r) for r in rows]
    blank = draw(st.none() | st.integers(1, len(layout) - 1))  # an all-empty column
    unknown = draw(st.none() | st.integers(1, len(layout) - 1))  # a column of one unknown value
    for r in rows:
        if blank is not None:
            r[blank] = ""
        if unknown is not None:
            r[unknown] = "unbekannt"
    options = {
        "german": german, "bom": draw(st.booleans()), "crlf": draw(st.booleans()),
        "cp1252": draw(st.booleans()), "quoted_headers": draw(st.booleans()), "total_row": draw(st.booleans()),
        "duplicate": draw(st.booleans()), "xlsx": draw(st.integers(0, 4)) == 0,
    }
    return entity, rows, options


def _header(entity: str, options: dict) -> list[str]:
    names = [h for h, _, _ in LAYOUTS[entity]]
    if options["duplicate"]:
        names.append(names[2])  # the same header twice: the reader names the second one ``<name>.2``
    return names


def _body(entity: str, rows: list[list[str]], options: dict) -> list[list[str]]:
    body = [r + ([r[2]] if options["duplicate"] else []) for r in rows]
    if options["total_row"] and body:
        total = [""] * len(body[0])
        total[0] = "Summe"
        body.append(total)
    return body


def _write_csv(path: Path, entity: str, rows: list[list[str]], options: dict) -> None:
    sep = ";" if options["german"] else ","

    def quote(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if (sep in v or '"' in v) else v

    head = [f'"{h}  "' if options["quoted_headers"] else h for h in _header(entity, options)]
    lines = [sep.join(head)] + [sep.join(quote(v) for v in r) for r in _body(entity, rows, options)]
    text = ("\r\n" if options["crlf"] else "\n").join(lines) + "\n"
    data = text.encode("cp1252") if options["cp1252"] else text.encode("utf-8")
    path.write_bytes((b"\xef\xbb\xbf" if options["bom"] and not options["cp1252"] else b"") + data)


def _write_xlsx(path: Path, entity: str, rows: list[list[str]], options: dict) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": True})  # numbers and serial dates as numbers
    sheet = book.add_worksheet("Export")
    sheet.write_row(0, 0, _header(entity, options))
    for i, row in enumerate(_body(entity, rows, options), start=1):
        for j, value in enumerate(row):
            if value:
                sheet.write(i, j, value)
    book.close()


def _located(error: DataImportError, name: str) -> None:
    assert error.problems, error.describe()
    assert name in error.describe()


def write_export(folder: str, case) -> tuple[Manifest, str]:
    """The drawn export written into ``folder`` (.csv or .xlsx) and a manifest naming its columns."""
    entity, rows, options = case
    name = f"{entity}.xlsx" if options["xlsx"] else f"{entity}.csv"
    (_write_xlsx if options["xlsx"] else _write_csv)(Path(folder) / name, entity, rows, options)
    columns = {fld: header for header, fld, _ in LAYOUTS[entity]}
    return Manifest({entity: EntityMapping(entity, name, columns=columns)}, Path(folder), "manifest.yaml"), name


@SWEEP
@given(export())
def test_real_export_shapes_come_in_or_are_refused_with_located_problems(case):
    entity = case[0]
    with tempfile.TemporaryDirectory() as tmp:
        manifest, name = write_export(tmp, case)
        try:
            result = read_dataset(manifest)
        except DataImportError as exc:
            _located(exc, name)
            return
        assert isinstance(result, ImportResult)
        report = result.report
        frame = result.frames[entity]
        assert len(frame) + report.rejected.get(entity, 0) == report.rows[entity]
        problems = report.to_frame()
        assert problems["file"].eq(name).all() and problems["reason"].notna().all()
        row_level = problems["row"].notna()
        assert problems.loc[row_level, "column"].notna().all()
        rejected = result.rejected[entity]
        assert rejected["reason"].notna().all() and len(rejected) == report.rejected.get(entity, 0)
        out = Path(tmp) / "report.csv"
        write_report_csv(report, out)
        back = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert not any(is_risky(v) for c in back for v in back[c])
        raw = rejected_csv(result, entity)
        assert raw.startswith(b"\xef\xbb\xbf")
        if len(rejected):
            again = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
            assert not any(is_risky(v) for c in again for v in again[c])  # '-2+3' was let through before
        try:
            result.raise_if_invalid()
        except DataImportError as exc:
            _located(exc, name)
