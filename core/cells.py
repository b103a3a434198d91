"""The one formula-injection rule (OWASP CSV injection) that every CSV and Excel export applies.

A text is *risky* when a spreadsheet program could run it as a formula: it starts with ``=``,
``+``, ``-``, ``@`` (or their full-width forms ``＝＋－＠``, which some programs and input methods
treat alike), with a tab or a carriage return, or with whitespace before any of these. A text that
is a plain number (``-12``, ``+3,5``, ``-1.234,56``, ``1e-3``) is not risky: it has nothing to run,
and a rejected row's ``-5`` must stay re-importable.

- CSV has no cell types: a risky text gets a leading single quote (``neutralise``).
- Excel (``reports.excel``) writes every text as a string cell, and a risky one with Excel's own
  quote prefix (the hidden ``'`` Excel stores when a user types ``'=...``), so it stays text even
  after a user edits the cell. Numbers are written as numbers and are never touched.
"""
from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = "=+-@\uff1d\uff0b\uff0d\uff20"  # ASCII and full-width = + - @
_RISKY = r"(?:[\t\r]|\s*[" + re.escape(FORMULA_STARTS) + r"])"
_NUMBER = r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?"
RISKY = re.compile(_RISKY)
NUMBER = re.compile(_NUMBER)


def is_risky(text: str) -> bool:
    """True when a spreadsheet program could read ``text`` as a formula."""
    return RISKY.match(text) is not None and NUMBER.fullmatch(text) is None


def neutralise(text: str) -> str:
    """The CSV form of a text: a leading quote when it could start a formula."""
    return "'" + text if is_risky(text) else text


def risky_mask(texts: pd.Series) -> pd.Series:
    """``is_risky`` for a column of texts (vectorised; missing values are not risky)."""
    s = texts.astype("string")
    return (s.str.match(_RISKY, na=False) & ~s.str.fullmatch(_NUMBER, na=False)).astype(bool)


def neutralise_texts(texts: pd.Series) -> pd.Series:
    """``neutralise`` for a column: text and object columns become ``string`` with risky cells
    quoted; number, date and boolean columns are returned as they are."""
    if not (pd.api.types.is_string_dtype(texts) or texts.dtype == object):
        return texts
    s = texts.astype("string")
    return s.mask(risky_mask(s), "'" + s)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` fit for CSV: every text column and every header neutralised."""
    if not len(frame.columns):
        return frame.copy()
    out = pd.concat([neutralise_texts(frame.iloc[:, i]) for i in range(frame.shape[1])], axis=1)
    out.columns = [neutralise(str(c)) for c in frame.columns]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """Plain CSV text of ``frame`` (``,``, ``.``, no index) with ``neutralise_frame`` applied: what
    the command line prints for ``--format csv``, which a user may open in Excel."""
    return neutralise_frame(frame).to_csv(index=False)
