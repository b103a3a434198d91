"""Parsing many distinct texts in DuckDB (issue 15): one ``TRY_STRPTIME`` / ``TRY_CAST`` per column.

``data.typing`` types each distinct value of a column once. A column of mostly distinct values
(timestamps, amounts: ``mostly_distinct``) it hands to DuckDB row by row, and 20,000 distinct
values or more found that way too, in one query, with the format decided once for the column - the decimal comma and thousands separator from the first
values in row order, the date format(s) from a sample (``choose_formats``) - instead of trying
every format on every value. What DuckDB leaves empty goes back to the pandas parsers, so the
typed values and the failures are those of the pandas path.

A date is handed to ``TRY_STRPTIME`` only when its shape matches the format exactly: DuckDB reads
``24-01-01`` as the year 24 and skips blanks, where the pandas parser refuses both.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

SQL_MIN_VALUES = 20_000  # fewer distinct values: pandas is quicker than starting a query
ROW_SHARE = 0.5  # a column with more distinct values (in a sample) than this share is typed row by row
SAMPLE_HEAD = 1000
SAMPLE_RANDOM = 1000
_DIRECTIVE = {"Y": r"\d{4}", "y": r"\d{2}", "m": r"\d{1,2}", "d": r"\d{1,2}", "H": r"\d{1,2}", "M": r"\d{1,2}",
              "S": r"\d{1,2}", "I": r"\d{1,2}", "p": "(AM|PM)"}


def guard(fmt: str) -> str | None:
    """An RE2 pattern of exactly the texts of ``fmt``'s shape (None for a directive we do not know)."""
    parts = re.split(r"(%.)", fmt)
    packed = not any(p for p in parts[::2])  # %Y%m%d: no separators, so every part has its full width
    out = []
    for part in parts:
        if part.startswith("%") and len(part) == 2:
            pattern = _DIRECTIVE.get(part[1])
            if pattern is None:
                return None
            out.append(r"\d{2}" if packed and pattern == r"\d{1,2}" else pattern)
        else:
            out.append(re.sub(r"([.^$*+?()\[\]{}|\\/-])", r"\\\1", part))
    return "".join(out)


def sample(s: pd.Series) -> pd.Series:
    """The first ``SAMPLE_HEAD`` non-empty values of ``s`` (distinct values in order of appearance)
    and ``SAMPLE_RANDOM`` drawn from the rest (seeded: the same file gives the same choice)."""
    filled = s[s.notna().to_numpy(dtype=bool) & (s != "").fillna(False).to_numpy(dtype=bool)]
    head, rest = filled.iloc[:SAMPLE_HEAD], filled.iloc[SAMPLE_HEAD:]
    picks = np.random.default_rng(15).choice(len(rest), size=min(SAMPLE_RANDOM, len(rest)), replace=False)
    return pd.concat([head, rest.iloc[np.sort(picks)]]).reset_index(drop=True)


def mostly_distinct(column: pd.Series) -> bool:
    """True for a long column whose values (its first and middle 1000) are mostly distinct (timestamps, amounts): typing
    its rows in DuckDB beats finding its distinct values first."""
    if len(column) < SQL_MIN_VALUES:
        return False
    middle = len(column) // 2  # two runs of rows, not a random take: that copies the whole Arrow column
    drawn = pd.concat([column.iloc[:1000], column.iloc[middle:middle + 1000]]).dropna()
    return len(drawn) > 0 and drawn.nunique() > ROW_SHARE * len(drawn)


def choose_formats(values: pd.Series, order: tuple[str, ...], first: str | None = None,
                   prep=None) -> tuple[str, ...] | None:
    """The formats (in ``order``) that read some sampled value first, as the pandas parser tries
    them, plus any earlier format of the same shape (``%d/%m/%Y`` before ``%m/%d/%Y``) and the
    manifest's own ``first``; None when one of them has no shape SQL can check, or (``prep``: the
    clean-up the pandas parser applies first) when that clean-up would change a text of its shape."""
    used, todo = set(), sample(values)
    for fmt in order:
        if todo.empty:
            break
        ok = pd.to_datetime(todo, format=fmt, errors="coerce").notna().to_numpy()
        if ok.any():
            used.add(fmt)
            todo = todo[~ok]
    keep = tuple(f for f in order if f in used or f == first
                 or any(guard(f) == guard(u) for u in used if order.index(u) > order.index(f)))
    if any(guard(f) is None for f in keep):
        return None
    if prep is not None:
        shown = pd.Series([pd.Timestamp("2024-11-22 13:45:56").strftime(f) for f in keep], dtype="string")
        if not prep(shown).equals(shown):
            return None
    return keep


def dates(values: pd.Series, formats: tuple[str, ...]) -> np.ndarray:
    """datetime64[us] per value: the first of ``formats`` whose shape and calendar it fits, else NaT."""
    if not formats:
        return np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    parts, params = [], []
    for fmt in formats:
        parts.append("CASE WHEN regexp_full_match(v, ?) THEN TRY_STRPTIME(v, ?) END")
        params += [guard(fmt), fmt]
    expr = ("COALESCE(" + ", ".join(parts) + ")") if len(parts) > 1 else parts[0]
    return _run(values, expr, params).to_numpy().astype("datetime64[us]")


def numbers(values: pd.Series, decimal: str, thousands: str | None) -> np.ndarray:
    """float64 per value with the column's separators; NaN where DuckDB alone cannot say (a currency
    sign, a trailing minus, ``1_000`` or ``NaN``: the pandas parser decides those)."""
    expr, params = "v", []
    if thousands:
        expr, params = "REPLACE(v, ?, '')", [thousands]
    if decimal == ",":
        expr = f"REPLACE({expr}, ',', '.')"
    # NaN and 1_000 are numbers to DuckDB, not to the pandas parser: those go to it. Blanks around
    # the number are skipped by both (the pandas way trims first)
    expr = f"CASE WHEN strpos(v, '_') = 0 THEN NULLIF(TRY_CAST({expr} AS DOUBLE), 'NaN'::DOUBLE) END"
    return _run(values, expr, params).to_numpy(zero_copy_only=False).astype("float64")


def _run(values: pd.Series, expr: str, params: list):
    """``expr`` over the texts, one result per text in their order (the parallel scan does not keep it)."""
    import duckdb
    import pyarrow as pa

    array = values.astype("string").array.__arrow_array__()
    table = pa.table({"v": array, "i": pa.array(np.arange(len(values), dtype=np.int64))})
    con = duckdb.connect()
    try:
        con.register("texts", table)
        result = con.sql(f"SELECT i, {expr} AS t FROM texts", params=params).to_arrow_table()
    finally:
        con.close()
    where = np.empty(len(values), dtype=np.int64)
    where[result.column("i").to_numpy()] = np.arange(len(values), dtype=np.int64)
    return result.column("t").take(pa.array(where))
