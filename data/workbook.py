"""Reading .xlsx workbooks (fastexcel into Arrow, else python-calamine), after checking the zip container.

Before any parsing the container is inspected: entry count and compression ratio (zip bombs),
macro parts (``vbaProject.bin``), and the sum of the parts' unpacked sizes against
``COCKPIT_MAX_XLSX_UNPACKED_MB`` (default 300: reading takes about 4-5x the unpacked size in
memory, so the app stays under 2 GB). The sheet is then read by ``data.workbook_fast``
(fastexcel, typed columns into Arrow, translated to text column by column) or, when that path
cannot promise identical texts (mixed columns, a header that is not text, ...), cell by cell
through python-calamine. Either way cells are turned into text the way a user sees them
(``12.0`` -> ``12``, dates -> ISO), so that the mapper types every source the same way. The frame's index is Excel's row number.
"""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import DataImportError
from core.settings import load_settings
from data.readbase import MAX_COLUMNS, SNIFF_LINES, ReadOptions, clean_headers, fail
from data.workbook_fast import read_fast

XLSX_MAX_RATIO = 120
XLSX_MAX_ENTRIES = 10_000


# --- XLSX --------------------------------------------------------------------------------

def check_xlsx_container(path: Path, max_unpacked_mb: int | None = None) -> None:
    """Refuse files that are not a zip, hold macros, would decompress into a bomb, or unpack to
    more than ``max_unpacked_mb`` (default: the ``COCKPIT_MAX_XLSX_UNPACKED_MB`` setting)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise fail(path, "not a valid .xlsx file (not a zip container)", hint="open and re-save it in Excel") from None
    if len(infos) > XLSX_MAX_ENTRIES:
        raise fail(path, f"{len(infos)} entries in the workbook container, more than {XLSX_MAX_ENTRIES}; "
                   "refused as a possible zip bomb", hint="export the sheet as CSV instead")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    for info in infos:
        if info.file_size > 1_000_000 and info.file_size / max(info.compress_size, 1) > XLSX_MAX_RATIO:
            raise fail(path, f"entry {info.filename} compresses {info.file_size / max(info.compress_size, 1):.0f}:1; "
                       "refused as a possible zip bomb", hint="export the sheet as CSV instead")
    if total > 1_000_000 and total / packed > XLSX_MAX_RATIO:
        raise fail(path, f"compression ratio {total / packed:.0f}:1; refused as a possible zip bomb",
                   hint="export the sheet as CSV instead")
    limit = max_unpacked_mb if max_unpacked_mb is not None else load_settings().max_xlsx_unpacked_mb
    if total > limit * 1024 * 1024:
        raise fail(path, f"the workbook unpacks to {total / 2**20:.0f} MB (sum of its parts), more than the limit "
                   f"of {limit} MB", hint="export the sheet as CSV (read in bounded memory), split the workbook, "
                   "or raise COCKPIT_MAX_XLSX_UNPACKED_MB (reading needs about 4-5x the unpacked size in memory)")
    if any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise fail(path, "the workbook contains macros", hint="save it as a plain .xlsx without macros")
    check_xml_prologs(path, infos)


class _RootReached(Exception):
    pass


class _StopAtRoot:
    """An ElementTree parser target that stops at the root element: the prolog is all we check."""

    def start(self, tag, attrib):
        raise _RootReached

    def end(self, tag):
        return None

    def data(self, text):
        return None

    def close(self):
        return None


def check_xml_prologs(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse XML parts declaring a DTD or entities (billion laughs, external entities): each part's
    prolog is parsed with defusedxml (``forbid_dtd``) up to its root element, before calamine sees it."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    with zipfile.ZipFile(path) as zf:
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True)
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(64 * 1024):
                        parser.feed(chunk)
            except _RootReached:
                continue
            except DefusedXmlException:
                raise fail(path, f"{info.filename} declares a DTD or XML entities; refused as a possible "
                           "entity bomb", hint="open and re-save it in Excel, or export the sheet as CSV") from None
            except (ParseError, zipfile.BadZipFile, zlib.error, OSError, EOFError, LookupError, RuntimeError,
                    ValueError) as exc:
                raise fail(path, f"{info.filename} is not well-formed XML: {str(exc)[:120]}",
                           hint="open and re-save it in Excel") from None


def read_xlsx(path: Path, options: ReadOptions) -> pd.DataFrame:
    """The sheet as text columns indexed by Excel row: through fastexcel and Arrow when
    ``data.workbook_fast`` can promise the same texts, else cell by cell through python-calamine."""
    check_xlsx_container(path)
    fast = read_fast(path, options)
    return fast if fast is not None else read_xlsx_cells(path, options)


def read_xlsx_cells(path: Path, options: ReadOptions) -> pd.DataFrame:
    """The old path, for every sheet the fast one declines (and the reference it is tested against);
    the container is checked by the caller."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        sheet = options.sheet if options.sheet is not None else 0
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise fail(path, f"sheet index {sheet} does not exist; sheets: {names}")
            rows = book.get_sheet_by_index(sheet).to_python(skip_empty_area=False)
        else:
            if sheet not in names:
                raise fail(path, f"sheet {sheet!r} not found; sheets: {names}", hint="check the sheet name")
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except DataImportError:
        raise
    except Exception as exc:  # calamine raises its own error types
        raise fail(path, f"cannot be read as .xlsx: {str(exc)[:200]}", hint="open and re-save it in Excel") from None
    if not rows:
        raise fail(path, "the sheet is empty")
    width = max(len(r) for r in rows[:SNIFF_LINES])
    filled = [sum(1 for v in r if v not in (None, "")) for r in rows[:SNIFF_LINES]]
    top = max(filled)
    header_idx = next(i for i, n in enumerate(filled) if n >= max(top * 0.8, 1))
    if width > MAX_COLUMNS:
        raise fail(path, f"{width} columns, more than {MAX_COLUMNS}", hint="export only the needed columns")
    header = clean_headers(list(rows[header_idx]) + [None] * (width - len(rows[header_idx])))
    body = pd.DataFrame(rows[header_idx + 1:], columns=None if len(rows) > header_idx + 1 else header)
    body = body.reindex(columns=range(len(header))) if len(rows) > header_idx + 1 else body
    body.columns = header
    frame = pd.DataFrame({c: cells_to_text(body[c]) for c in header}, columns=header)
    frame.index = pd.RangeIndex(header_idx + 2, header_idx + 2 + len(frame), name="row")
    empty = frame.isna().all(axis=1)
    return frame[~empty] if empty.any() else frame


def cells_to_text(cells: pd.Series) -> pd.Series:
    """Typed spreadsheet cells as text: 12.0 -> "12", dates -> ISO, booleans -> true/false."""
    out = pd.Series(pd.NA, index=cells.index, dtype="string")
    kinds = cells.map(type)
    for kind in kinds.unique():
        mask = kinds == kind
        part = cells[mask]
        if kind is type(None):
            continue
        if kind is float:
            arr = part.to_numpy(dtype="float64")
            whole = np.isfinite(arr) & (arr == np.floor(arr)) & (np.abs(arr) < 1e15)
            text = np.where(whole, np.where(whole, arr, 0).astype("int64").astype(str), arr.astype(str))
            out[mask] = pd.array(text, dtype="string")
        elif kind is bool:
            out[mask] = part.map({True: "true", False: "false"}).astype("string")
        elif kind.__name__ in ("datetime", "date"):
            stamps = pd.to_datetime(part)
            text = stamps.dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(" 00:00:00", "", regex=False)
            out[mask] = text.astype("string")
        else:
            out[mask] = part.astype(str).astype("string")
    s = out.str.strip()
    return s.mask(s == "")


def sheet_names(path: str | Path) -> list[str]:
    """The sheet names of an .xlsx file (for the upload page's sheet picker)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    check_xlsx_container(path)
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)
