"""The fast .xlsx path: the header found in the sheet's first XML rows, the body read typed by
fastexcel into Arrow, and every column turned into the same text ``cells_to_text`` writes.

``read_fast`` answers ``None`` whenever it cannot promise that result: a header cell that is
not text, a column mixing kinds of cells (fastexcel's strict coercion refuses it), durations,
1904-based dates, ``_xHHHH_`` escapes, rows without references, a sheet it cannot open. The
caller then reads the sheet the old way (python-calamine, cell by cell), so a file reads the
same either way; ``tests/data/test_xlsx_equivalence.py`` holds the two paths side by side.
The container checks (``check_xlsx_container``) run before either path.
"""
from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.readbase import MAX_COLUMNS, SNIFF_LINES, ReadOptions, clean_headers, fail

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TEXT_KINDS = ("s", "str", "inlineStr")
_DAY_ONE_MS = -2_208_988_800_000  # 1900-01-01 00:00, Excel serial 1, in ms since 1970


class _Unsure(Exception):
    """The fast path cannot promise the old path's result: read the old way."""


@dataclass(frozen=True)
class Head:
    header_row: int  # 0-based sheet row of the header
    header: dict[int, str]  # 0-based column -> header text (text cells only)
    last_column: int  # highest 0-based column seen in the first rows


def read_fast(path: Path, options: ReadOptions) -> pd.DataFrame | None:
    """The sheet as text columns indexed by Excel row, or ``None`` (read it the old way)."""
    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" for empty columns
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception:
        return None
    sheet = options.sheet if options.sheet is not None else 0
    if isinstance(sheet, int) and not 0 <= sheet < len(names) or isinstance(sheet, str) and sheet not in names:
        return None  # the old path words the refusal
    index = sheet if isinstance(sheet, int) else names.index(sheet)
    try:
        head = sniff_head(path, index, names[index])
        # header_row counts sheet rows from 0 (the names are ours, from sniff_head); every row is sampled
        # for the column types: with fastexcel's default of 1000, a later text in a number column
        # would become null and a later number in a text column "10000000000000000"
        body = reader.load_sheet(index, header_row=head.header_row, schema_sample_rows=None, dtype_coercion="strict")
        columns = [c.absolute_index for c in body.selected_columns]
        batch = body.to_arrow()
        return _frame(path, head, columns, batch)
    except Exception:  # _Unsure, a mixed column, anything fastexcel refuses
        return None


def _frame(path: Path, head: Head, columns: list[int], batch: pa.RecordBatch) -> pd.DataFrame:
    width = max([head.last_column + 1, *(c + 1 for c in columns)])
    if width > MAX_COLUMNS:
        raise fail(path, f"{width} columns, more than {MAX_COLUMNS}", hint="export only the needed columns")
    header = clean_headers([head.header.get(i) for i in range(width)])
    n = batch.num_rows
    index = pd.RangeIndex(head.header_row + 2, head.header_row + 2 + n, name="row")
    texts = {position: arrow_to_text(batch.column(i)) for i, position in enumerate(columns)}
    blank = pd.arrays.ArrowStringArray(pa.nulls(n, pa.large_string()))
    frame = pd.DataFrame({name: texts.get(i, blank) for i, name in enumerate(header)}, index=index)
    frame.columns = header  # repeated positions keep their order even if a name repeats
    empty = frame.isna().all(axis=1)
    return frame[~empty] if empty.any() else frame


def arrow_to_text(arr: pa.Array) -> pd.arrays.ArrowStringArray:
    """One typed fastexcel column as ``cells_to_text`` writes it, computed on the whole column."""
    kind = arr.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = arr
    elif pa.types.is_null(kind):
        text = pa.nulls(len(arr), pa.string())
    elif pa.types.is_floating(kind):
        text = float_text(pc.cast(arr, pa.float64()))
    elif pa.types.is_integer(kind):
        text = pc.cast(arr, pa.string())
    elif pa.types.is_boolean(kind):
        text = pc.if_else(arr, "true", "false")
    elif pa.types.is_timestamp(kind) and kind.tz is None:
        text = _stamps_to_text(arr)
    elif pa.types.is_date(kind):
        text = pc.strftime(pc.cast(arr, pa.timestamp("s")), "%Y-%m-%d")
    else:
        raise _Unsure(f"column type {kind}")
    stripped = pc.utf8_trim_whitespace(pc.cast(text, pa.large_string()))  # what pandas' .str.strip() calls
    return pd.arrays.ArrowStringArray(pc.if_else(pc.equal(stripped, ""), pa.scalar(None, pa.large_string()), stripped))


def float_text(arr: pa.Array) -> pa.Array:
    """What ``cells_to_text`` writes for a float (``12.0`` -> ``12``, else numpy's ``str``: the
    shortest text that reads back as the same float, ``0.05``, ``1e+16``), without formatting
    each float in Python: a value ``m / 10**k`` (k <= 6, 1e-4 <= |x| < 1e9) that divides back
    to exactly the same float is written from the integers ``m`` and ``k`` - in that range at most
    one such ``m`` exists per ``k``, so the smallest ``k`` is numpy's shortest form. Only the rest
    (tiny, huge or long-fraction values) goes through numpy's ``astype(str)``."""
    values = arr.to_numpy(zero_copy_only=False)
    finite = np.isfinite(values)
    whole = finite & (values == np.floor(values)) & (np.abs(values) < 1e15)
    todo = finite & ~whole & (np.abs(values) >= 1e-4) & (np.abs(values) < 1e9)
    digits = np.zeros(len(values), dtype="int64")
    scaled = np.zeros(len(values), dtype="int64")
    for k in range(1, 7):
        m = np.rint(np.where(todo, values, 0) * 10.0**k)
        hit = todo & (m / 10.0**k == values)
        digits[hit], scaled[hit] = k, m[hit]
        todo &= ~hit
    short = digits > 0
    power = 10 ** digits
    magnitude = np.abs(scaled)
    fraction = pc.utf8_slice_codeunits(pc.cast(pa.array(magnitude % power + power), pa.string()), 1)
    sign = pc.if_else(pa.array(scaled < 0), "-", "")
    decimal = pc.binary_join_element_wise(sign, pc.cast(pa.array(magnitude // power), pa.string()), ".", fraction, "")
    rest = ~whole & ~short
    text = pc.if_else(pa.array(whole), pc.cast(pa.array(np.where(whole, values, 0).astype("int64")), pa.string()),
                      decimal)
    if rest.any():
        text = pc.replace_with_mask(text, pa.array(rest), pa.array(values[rest].astype(str), pa.string()))
    return pc.if_else(arr.is_null(), pa.scalar(None, pa.string()), text)


def _stamps_to_text(arr: pa.Array) -> pa.Array:
    """Dates as ``2024-02-01``, date-times as ``2024-02-01 13:45:05`` (whole seconds, as before), and
    times of day (Excel serials below 1, which python-calamine gives as ``time``) as ``13:45:05``
    (``13:45:05.123000`` with a fraction)."""
    stamps = pc.cast(pc.floor_temporal(arr, unit="second"), pa.timestamp("s"))
    fraction = pc.subtract(pc.cast(pc.cast(arr, pa.timestamp("us")), pa.int64()),
                           pc.cast(pc.cast(stamps, pa.timestamp("us")), pa.int64()))
    full = pc.replace_substring(pc.strftime(stamps, "%Y-%m-%d %H:%M:%S"), " 00:00:00", "")
    clock = pc.strftime(stamps, "%H:%M:%S")
    micro = pc.utf8_lpad(pc.cast(fraction, pa.string()), 6, "0")
    clock = pc.if_else(pc.equal(fraction, 0), clock, pc.binary_join_element_wise(clock, micro, "."))
    day_zero = pc.less(pc.cast(pc.cast(arr, pa.timestamp("ms")), pa.int64()), _DAY_ONE_MS)
    if arr.null_count == 0 and not pc.any(day_zero).as_py() and not pc.any(pc.equal(full, _date_part(stamps))).as_py():
        # only date-times, no empty cell: pandas made the old column datetime64 and wrote str(Timestamp),
        # with the column's shared fraction ("13:45:05.500", "13:45:06.000")
        stamps_us = pc.cast(arr, pa.timestamp("us")).to_numpy(zero_copy_only=False)
        return pa.array(pd.Series(stamps_us).astype(str).to_numpy(), pa.string())
    return pc.if_else(day_zero, clock, full)


def _date_part(stamps: pa.Array) -> pa.Array:
    return pc.strftime(stamps, "%Y-%m-%d")


# --- the header from the sheet's first rows ------------------------------------------------

def sniff_head(path: Path, index: int, name: str) -> Head:
    """Where the header is (the first of the first ``SNIFF_LINES`` rows holding at least 80 % of
    the fullest row's cells, as the old path decides) and its texts, read from the sheet XML."""
    from defusedxml.ElementTree import fromstring, iterparse

    with zipfile.ZipFile(path) as zf:
        book = fromstring(zf.read("xl/workbook.xml"))
        pr = book.find(f"{_MAIN}workbookPr")
        if pr is not None and pr.get("date1904", "false").lower() in ("1", "true"):
            raise _Unsure("1904 dates")
        sheets = book.find(f"{_MAIN}sheets")
        entry = list(sheets)[index]
        if entry.get("name") != name:
            raise _Unsure("the workbook lists its sheets otherwise than fastexcel")
        rel_id = entry.get(f"{_REL}id")
        rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")}
        strings_part = next((_part(r.get("Target")) for r in rels.iter(f"{_PKG_REL}Relationship")
                             if r.get("Type", "").endswith("/sharedStrings")), None)
        rows: dict[int, list[tuple[int, str, str | None]]] = {}
        with zf.open(_part(targets[rel_id])) as fh:
            for _event, elem in iterparse(fh, events=("end",)):
                if elem.tag != f"{_MAIN}row":
                    continue
                number = int(elem.get("r"))
                if number > SNIFF_LINES:
                    break
                rows[number - 1] = [_cell(c) for c in elem.iter(f"{_MAIN}c")]
                elem.clear()
        wanted = {int(v) for cells in rows.values() for _col, kind, v in cells if kind == "s"}
        strings = _shared_strings(zf, strings_part, max(wanted)) if wanted else []
    return _head(rows, strings)


def _head(rows: dict[int, list[tuple[int, str, str | None]]], strings: list[str]) -> Head:
    def value(kind: str, v: str | None) -> str | None:
        return strings[int(v)] if kind == "s" else v

    filled = {r: sum(1 for _c, kind, v in cells if kind != "empty" and value(kind, v) not in (None, ""))
              for r, cells in rows.items()}
    top = max(filled.values(), default=0)
    if top == 0:
        raise _Unsure("no cells in the first rows")
    header_row = min(r for r, n in filled.items() if n >= max(top * 0.8, 1))
    header: dict[int, str] = {}
    for col, kind, v in rows[header_row]:
        if kind == "empty":
            continue
        if kind not in _TEXT_KINDS:
            raise _Unsure("a header cell that is not text")
        header[col] = value(kind, v)
        if "_x" in (header[col] or ""):
            raise _Unsure("an escaped character (_xHHHH_) in the header")
    last = max((c for cells in rows.values() for c, kind, _v in cells if kind != "empty"), default=0)
    return Head(header_row, header, last)


def _cell(c) -> tuple[int, str, str | None]:
    ref = c.get("r")
    match = re.fullmatch(r"([A-Z]+)\d+", ref or "")
    if not match:
        raise _Unsure("a cell without a reference")
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - 64
    kind = c.get("t", "n")
    v = c.find(f"{_MAIN}v")
    if kind == "inlineStr":
        inline = c.find(f"{_MAIN}is")
        return col - 1, kind, _string_item(inline) if inline is not None else None
    if kind == "e" or v is None or not v.text:
        return col - 1, "empty", None
    return col - 1, kind, v.text


def _shared_strings(zf: zipfile.ZipFile, part: str | None, last: int) -> list[str]:
    from defusedxml.ElementTree import iterparse

    if part is None:
        raise _Unsure("no shared strings part")
    out: list[str] = []
    with zf.open(part) as fh:
        for _event, elem in iterparse(fh, events=("end",)):
            if elem.tag == f"{_MAIN}si":
                out.append(_string_item(elem))
                elem.clear()
                if len(out) > last:
                    break
    if len(out) <= last:
        raise _Unsure("a shared string index beyond the table")
    return out


def _string_item(item) -> str:
    """The text of an ``<si>``/``<is>``: its ``<t>``, or its runs' ``<t>``; phonetic runs left out."""
    parts = []
    for child in item:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _part(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
