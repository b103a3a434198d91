"""Cell values for exports: typed writes and the formula-safe CSV (OWASP CSV injection).

Which texts could start a formula is decided in one place, ``core.cells.is_risky``. In a
workbook every text goes through ``write_text`` (``write_string``, never ``write``), so it is
stored as a string cell whatever it starts with, and a risky one carries Excel's quote prefix;
the workbook is also opened with ``strings_to_formulas=False`` as a further guard. In CSV there
are no cell types, so risky texts get a leading single quote.

Numbers stay numbers (``write_number``), dates become Excel dates (``write_datetime`` with a date
format), NaN/None/NaT become blank cells.
"""
from __future__ import annotations

import math
import re
import numbers
from datetime import date, datetime
from typing import Any, Callable, Sequence

import pandas as pd

from core.cells import is_risky, neutralise_frame

CSV_DIALECT = {"de": (";", ","), "en": (",", ".")}  # separator, decimal mark
MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def safe_csv(frame: pd.DataFrame, lang: str = "de") -> bytes:
    """CSV bytes for download: UTF-8 with BOM; ``;`` and decimal comma for 'de', ``,`` and '.' for 'en'.

    Text cells that could start a formula are prefixed with a single quote, headers too
    (``core.cells.neutralise_frame``).
    """
    sep, decimal = CSV_DIALECT.get(lang, CSV_DIALECT["de"])
    text = neutralise_frame(frame).to_csv(sep=sep, decimal=decimal, index=False, lineterminator="\r\n",
                                          date_format="%d.%m.%Y" if lang == "de" else "%Y-%m-%d")
    return ("\ufeff" + text).encode("utf-8")


def is_missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain(series: pd.Series) -> list[Any]:
    """Python values of a column, missing values as None (vectorised; no row loop in pandas)."""
    if pd.api.types.is_datetime64_any_dtype(series) and getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    return series.astype(object).where(series.notna(), None).tolist()


def write_text(ws, row: int, col: int, text: str, fmt=None, quoted=None) -> None:
    """A string cell; ``quoted`` (``fmt`` with Excel's quote prefix) when ``text`` could start a formula."""
    ws.write_string(row, col, text, quoted if quoted is not None and is_risky(text) else fmt)


def write_value(ws, row: int, col: int, value: object, fmt=None, text_fmt=None, quoted=None) -> None:
    """Write one value by its Python type: text as string cell (``quoted`` format when risky),
    numbers, dates, blanks."""
    if is_missing(value):
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, numbers.Real):  # numpy numbers too
        if math.isinf(value):
            write_text(ws, row, col, str(value), text_fmt or fmt)
        else:
            ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, (datetime, date)):
        ws.write_datetime(row, col, _naive(value), fmt)
    else:
        write_text(ws, row, col, str(value), text_fmt or fmt, quoted)


def _naive(value: date | datetime) -> date | datetime:
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    return value


Writer = Callable[[int, int, Any], None]


def write_rows(ws, first_row: int, first_col: int, columns: Sequence[list[Any]],
               writers: Sequence[Writer]) -> None:
    """Write column lists row by row (constant_memory needs row order) with one typed writer per column.

    ``writers[i](row, col, value)`` is called for every non-missing value; the caller picks
    ``write_text`` for text columns, so text never reaches ``write``'s formula detection.
    """
    width = len(columns)
    for offset, row_values in enumerate(zip(*columns)):
        row = first_row + offset
        for i in range(width):
            value = row_values[i]
            if value is not None:
                writers[i](row, first_col + i, value)


def excel_serial(series: pd.Series) -> pd.Series:
    """Dates as Excel serial day numbers (1900 date system; 1900-03-01 and later), NaN when missing."""
    dates = pd.to_datetime(series, errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    return (dates - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)


def sheet_name(text: str, taken: Sequence[str] = ()) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, no edge apostrophes, at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", str(text)).strip().strip("'").strip() or "Sheet"
    if base.lower() == "history":  # reserved by Excel
        base = "History_"
    base = base[:MAX_SHEET_NAME]
    lower = {name.lower() for name in taken}
    name, n = base, 1
    while name.lower() in lower:
        n += 1
        suffix = f" ({n})"
        name = base[:MAX_SHEET_NAME - len(suffix)] + suffix
    return name
