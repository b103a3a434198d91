"""Typing text values: text -> number, whole number, date, yes/no, vectorised.

Numbers with decimal comma or point (the format detected per column), ISO and German dates,
yes/no words from the entity's ``outcome_words``. Each distinct value is parsed once (exports
repeat few values); a number or date column of mostly distinct values (or 20,000 distinct values
and more) is parsed in DuckDB in the format decided once for the column (``data.sql_typing``),
what DuckDB leaves open here. Used by ``data.mapping``; a value that cannot be typed becomes ``NA``
and the mapper reports it.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import sql_typing
from data.manifest import EntityMapping
from data.schema import FieldType, OutcomeWords, outcome_words

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M",
                "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%y", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%Y%m%d")
US_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p")


def parse_numbers(text: pd.Series, decimal: str | None = None, thousands: str | None = None) -> pd.Series:
    """Text -> float64 (NaN where empty or unparsable). Detects decimal comma vs point per column.

    Each distinct value is parsed once (exports repeat few values); the format is detected
    from the values in row order, as if the whole column were parsed."""
    codes, uniques = _factorize(text)
    return pd.Series(_expand(_number_values(uniques, codes, decimal, thousands), codes, np.nan), index=text.index,
                     dtype="float64")


def _number_values(s: pd.Series, codes: np.ndarray, decimal: str | None, thousands: str | None) -> np.ndarray:
    """float64 per entry of ``s`` (distinct texts); ``codes`` maps rows to entries, for format detection.
    Many distinct texts go to DuckDB first (one cast), the rest through the pandas string steps."""
    if decimal is None:  # the spaces and signs number_prep removes never hold a separator
        flagged = _in_row_order(s, codes, s.str.contains(r"[.,]", regex=True))
        decimal, thousands = detect_number_format(number_prep(flagged), thousands)
    if thousands is None:
        thousands = "." if decimal == "," else ","
    values = np.full(len(s), np.nan)
    todo = s.notna().to_numpy(dtype=bool).copy()
    if todo.sum() >= sql_typing.SQL_MIN_VALUES:
        values = sql_typing.numbers(s, decimal, thousands)
        todo &= np.isnan(values)
    idx = np.flatnonzero(todo)
    rest = number_prep(s.iloc[idx])
    if thousands:
        rest = rest.str.replace(thousands, "", regex=False)
    if decimal == ",":
        rest = rest.str.replace(",", ".", regex=False)
    trailing = rest.str.endswith("-").fillna(False)
    if trailing.any():  # trailing minus (SAP exports): "12,50-"
        rest = rest.mask(trailing, "-" + rest.str.slice(0, -1))
    values[idx] = pd.to_numeric(rest.mask(rest == ""), errors="coerce").astype("float64").to_numpy()
    return values


def number_prep(s: pd.Series) -> pd.Series:
    """Spaces and currency/percent signs removed, before the number format is read."""
    return s.str.replace("[ \t\u00a0\u202f€$%]|EUR|CHF", "", regex=True)  # RE2-safe: no \\s


def _factorize(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(codes per row, -1 for empty; the distinct values as text, in order of appearance)."""
    codes, uniques = pd.factorize(text.astype("string"), use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype="string")


def _expand(values: np.ndarray, codes: np.ndarray, missing) -> np.ndarray:
    """Per-distinct-value results back onto the rows (code -1 -> ``missing``)."""
    return np.append(values, np.array([missing], dtype=values.dtype))[codes]


def _in_row_order(uniques: pd.Series, codes: np.ndarray, flags: pd.Series, limit: int = 5000) -> pd.Series:
    """The first ``limit`` rows whose distinct value is flagged, as the rows would list them."""
    flag = flags.fillna(False).to_numpy(dtype=bool)
    if not flag.any():
        return uniques.iloc[0:0]
    rows = np.flatnonzero(np.append(flag, False)[codes])[:limit]
    return uniques.iloc[codes[rows]].reset_index(drop=True)


def detect_number_format(s: pd.Series, thousands: str | None = None) -> tuple[str, str | None]:
    """(decimal, thousands) from the values present: the last separator of ``1.234,56`` is the
    decimal; a lone comma is a decimal comma unless it groups thousands (``1,234,567``)."""
    sample = s.dropna()
    sample = sample[sample.str.contains(r"[.,]", regex=True)].head(5000)
    if sample.empty:
        return ".", thousands
    both = sample[sample.str.contains(",", regex=False) & sample.str.contains(".", regex=False)]
    if not both.empty:
        comma_last = (both.str.rfind(",") > both.str.rfind(".")).mean() >= 0.5
        return (",", ".") if comma_last else (".", ",")
    if sample.str.contains(",", regex=False).any():
        if sample.str.fullmatch(r"-?\d{1,3}(,\d{3}){2,}").any() and sample.str.fullmatch(r"-?\d{1,3}(,\d{3})+").all():
            return ".", ","
        return ",", "."
    if sample.str.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}").any() and sample.str.fullmatch(r"-?\d{1,3}(\.\d{3})+").all():
        return ",", "."
    return ".", ","


def parse_dates(text: pd.Series, date_format: str | None = None) -> pd.Series:
    """Text -> datetime64[us] (NaT where empty or unparsable). Tries the given format, then
    ISO and German formats, each on the values still unparsed (each distinct value once)."""
    codes, uniques = _factorize(text)
    return pd.Series(_expand(_date_values(uniques, codes, date_format), codes, np.datetime64("NaT")),
                     index=text.index, dtype="datetime64[us]")


def date_prep(s: pd.Series) -> pd.Series:
    """Trimmed, without a time zone suffix and fractional seconds, before the date formats are tried."""
    s = s.str.strip().str.replace(r"(:\d\d(?:\.\d+)?)(Z|[+-]\d\d:?\d\d)$", r"\1", regex=True)  # after a time only:
    return s.str.replace(r"(:\d\d)\.\d+$", r"\1", regex=True)  # '01-02-2024' is no '-20:24' offset


def date_formats(date_format: str | None, us: bool) -> tuple[str, ...]:
    """The formats tried in order: the manifest's, then month-first ones for a US column, then ours."""
    formats = ((date_format,) if date_format else ()) + DATE_FORMATS
    return (US_FORMATS + formats) if us and not date_format else formats


def _date_values(s: pd.Series, codes: np.ndarray, date_format: str | None, us: bool | None = None) -> np.ndarray:
    """datetime64[us] per entry of ``s`` (distinct texts); ``codes`` maps rows to entries (US detection,
    unless ``us`` says whether the column reads month-first)."""
    s = date_prep(s)
    values = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = (s.notna() & (s != "")).fillna(False).to_numpy(dtype=bool)
    if us is None:
        us = not date_format and us_dates(_in_row_order(s, codes, s.str.contains("/", regex=False)))
    formats = date_formats(date_format, us)
    if todo.sum() >= sql_typing.SQL_MIN_VALUES:  # many distinct dates: DuckDB reads them in the sample's format(s)
        chosen = sql_typing.choose_formats(s[todo], formats, date_format)
        if chosen is not None:
            values = sql_typing.dates(s, chosen)
            todo &= np.isnat(values)
    for fmt in formats:
        idx = np.flatnonzero(todo)
        if not len(idx):
            break
        parsed = pd.to_datetime(s.iloc[idx], format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy()
        if ok.any():
            values[idx[ok]] = parsed.to_numpy(dtype="datetime64[us]")[ok]
            todo[idx[ok]] = False
    return values


def us_dates(s: pd.Series) -> bool:
    """True when slash dates in this column read as month/day (some day part exceeds 12, no month part does)."""
    slash = s[s.str.contains("/", regex=False).fillna(False)].head(5000)
    if slash.empty:
        return False
    parts = slash.str.extract(r"^(\d{1,2})/(\d{1,2})/")
    first, second = pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")
    return bool((second > 12).any() and not (first > 12).any())


def parse_booleans(text: pd.Series, words: OutcomeWords | None = None) -> pd.Series:
    """Text -> boolean (NA where empty or not a yes/no word). ``words``: the entity's
    ``outcome_words`` (default: those of the shipped ``config/entities.yaml``)."""
    lookup = (words if words is not None else outcome_words()).lookup()
    codes, uniques = pd.factorize(text.astype("string"), use_na_sentinel=True)
    words = pd.Series(uniques, dtype="string").str.strip().str.lower().map(lookup)
    table = pd.array(list(words) + [pd.NA], dtype="boolean")  # code -1 (empty) -> NA
    return pd.Series(table[codes], index=text.index, dtype="boolean")


def clean_text(raw: pd.Series) -> pd.Series:
    """Trimmed text; empty and whitespace-only cells become <NA>. A column with nothing to trim
    keeps its original (Arrow) buffers: no copy of millions of strings."""
    raw = raw.astype("string")
    s = raw.str.strip()
    size = _total_bytes(raw)
    if size is not None and _total_bytes(s) == size:  # trimming only removes characters: none removed
        s = raw
    empty = s == ""
    return s.mask(empty) if empty.any() else s


def _total_bytes(s: pd.Series) -> int | None:
    """UTF-8 bytes over all cells of an Arrow-backed text column (None for other storage)."""
    if getattr(s.dtype, "storage", None) != "pyarrow":
        return None
    return pc.sum(pc.binary_length(pa.array(s.array))).as_py() or 0


def normalise_value(value: Any) -> str:
    return str(value).strip().lower()


TYPE_WORD = {FieldType.NUMBER: "number", FieldType.INTEGER: "whole number", FieldType.DATE: "date",
              FieldType.BOOLEAN: "yes/no value", FieldType.ID: "id", FieldType.TEXT: "text",
              FieldType.CATEGORY: "value"}


CODED = (FieldType.NUMBER, FieldType.INTEGER, FieldType.DATE, FieldType.BOOLEAN)


def fill_default(typed: pd.Series, f, mapping: EntityMapping, words: OutcomeWords | None = None) -> pd.Series:
    if f.default is None:
        return typed
    return typed.fillna(type_text(pd.Series([str(f.default)], dtype="string"), f.type, mapping, words).iloc[0])


def type_coded(column: pd.Series, ftype: FieldType, mapping: EntityMapping,
                words: OutcomeWords | None = None, us: bool | None = None,
                by_row: bool = True) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """(typed column, mask of rows whose text is not a valid value, their trimmed texts), the same as
    ``type_text(clean_text(column))`` but trimming and parsing each distinct cell once. ``us`` fixes
    the day/month order of slash dates (detected on the column when None)."""
    if by_row and ftype is not FieldType.BOOLEAN and sql_typing.mostly_distinct(column):
        return _type_rows(column, ftype, mapping, words, us)
    codes, uniques = _factorize(column)
    typed, bad, texts = type_codes(codes, uniques, ftype, mapping, words, us)
    return pd.Series(typed, index=column.index), bad, texts


def type_codes(codes: np.ndarray, uniques: pd.Series, ftype: FieldType, mapping: EntityMapping,
               words: OutcomeWords | None = None, us: bool | None = None) -> tuple[object, np.ndarray, pd.Series]:
    """``type_coded`` of a column given as its distinct texts ``uniques`` and ``codes`` (per row, -1
    for empty: a factorized column, or a dictionary-encoded one read by ``data.typed_csv``): (typed
    values per row as an array, mask of rows whose text is not a valid value, their trimmed texts)."""
    text = clean_text(uniques)
    if ftype is FieldType.BOOLEAN:
        typed = parse_booleans(text, words)
    elif ftype is FieldType.DATE:
        typed = pd.Series(_date_values(text, codes, mapping.date_format, us), dtype="datetime64[us]")
    else:
        typed = pd.Series(_number_values(text, codes, mapping.decimal, mapping.thousands), dtype="float64")
        if ftype is FieldType.INTEGER:
            typed = whole_numbers(typed)
    bad = np.append((text.notna() & typed.isna()).to_numpy(dtype=bool), False)[codes]
    rows = pd.api.extensions.take(typed.array, codes, allow_fill=True)
    return rows, bad, text.iloc[codes[bad]].reset_index(drop=True)


def _type_rows(column: pd.Series, ftype: FieldType, mapping: EntityMapping, words: OutcomeWords | None,
               us: bool | None) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """``type_coded`` for a column of mostly distinct values: DuckDB types the rows with the format
    decided once for the column; the rows it leaves open go the distinct-value way with that format."""
    if ftype is FieldType.DATE:
        if us is None:
            us = not mapping.date_format and us_dates(_first_rows(column, "/", lambda c: date_prep(clean_text(c))))
        chosen = sql_typing.choose_formats(date_prep(clean_text(sql_typing.sample(column))),
                                           date_formats(mapping.date_format, us), mapping.date_format, date_prep)
        values = sql_typing.dates(column, chosen or ())
        left = np.isnat(values)
    else:
        decimal, thousands = mapping.decimal, mapping.thousands
        if decimal is None:
            decimal, thousands = detect_number_format(_first_rows(column, "[.,]", lambda c: number_prep(clean_text(c))),
                                                      thousands)
        mapping = replace(mapping, decimal=decimal, thousands=("." if decimal == "," else ",")
                          if thousands is None else thousands)
        values = sql_typing.numbers(column, mapping.decimal, mapping.thousands)
        left = ~np.isfinite(values) | ((values != np.floor(values)) if ftype is FieldType.INTEGER else False)
    idx = np.flatnonzero(left & column.notna().to_numpy(dtype=bool))
    sub, sub_bad, texts = type_coded(column.iloc[idx], ftype, mapping, words, us, by_row=False)
    values[idx] = sub.to_numpy(dtype=values.dtype, na_value=np.datetime64("NaT") if ftype is FieldType.DATE else np.nan)
    bad = np.zeros(len(column), dtype=bool)
    bad[idx] = sub_bad
    typed = pd.Series(values, index=column.index)
    return (whole_numbers(typed) if ftype is FieldType.INTEGER else typed), bad, texts


def _first_rows(column: pd.Series, pattern: str, prep, limit: int = 5000) -> pd.Series:
    """The first ``limit`` prepared values in row order that contain ``pattern`` (as ``_in_row_order``;
    the preparations never add or remove a ``/``, ``.`` or ``,``, so the raw text is searched)."""
    found = column.str.contains(pattern, regex=len(pattern) > 1)  # '/' needs no regular expression
    hits = np.flatnonzero(found.fillna(False).to_numpy(dtype=bool))[:limit]
    return prep(column.iloc[hits]).reset_index(drop=True)


def whole_numbers(num: pd.Series) -> pd.Series:
    """Int64 where the number is whole and finite (``inf`` is no whole number: it stayed a crash)."""
    return num.where(np.isfinite(num) & (num == np.floor(num))).astype("Int64")


def type_text(text: pd.Series, ftype: FieldType, mapping: EntityMapping,
              words: OutcomeWords | None = None) -> pd.Series:
    if ftype is FieldType.NUMBER:
        return parse_numbers(text, mapping.decimal, mapping.thousands)
    if ftype is FieldType.INTEGER:
        num = parse_numbers(text, mapping.decimal, mapping.thousands)
        return whole_numbers(num)
    if ftype is FieldType.DATE:
        return parse_dates(text, mapping.date_format)
    if ftype is FieldType.BOOLEAN:
        return parse_booleans(text, words)
    return text.astype("string")
