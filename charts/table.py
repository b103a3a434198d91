"""The numbers table beside a chart: raw values formatted for the language, headers translated.

Formatting at the edge (core.formatting): a column's unit comes from ``units`` or from its name
(``*_rate``, ``conversion``, ``retention`` are ratios; ``revenue``, ``cost``, ``total``, ``mean``,
``median``, ``*_per_*`` money; counts without decimals). ``conversion_change`` is shown in
percentage points. Tables are aggregates (a few hundred rows), so formatting cell by cell is fine.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from charts.theme import label
from core.formatting import currency, number, percent

RATIO = "ratio"
POINTS = "points"
MONEY = "currency"
COUNT = "count"
DECIMAL = "number"

_BY_NAME = {
    "conversion": RATIO, "previous_conversion": RATIO, "retention": RATIO, "value": DECIMAL,
    "conversion_change": POINTS, "revenue": MONEY, "cost": MONEY, "total": MONEY, "mean": MONEY,
    "median": MONEY, "amount": MONEY, "products_sold": DECIMAL, "score": DECIMAL,
}


def unit_of(column: str, series: pd.Series) -> str | None:
    """The display unit of a column, or None for text columns (left as they are)."""
    if column in _BY_NAME:
        return _BY_NAME[column]
    if column.endswith("_rate"):
        return RATIO
    if "_per_" in column or column.startswith("cost"):
        return MONEY
    if pd.api.types.is_integer_dtype(series) or column in ("count", "previous_count", "contacts", "responses",
                                                           "conversions", "orders", "customers", "cohort_size",
                                                           "active", "numerator", "denominator", "months_since"):
        return COUNT
    if pd.api.types.is_float_dtype(series):
        return DECIMAL
    return None


def _points(value: float | None, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    text = number(float(value) * 100, lang, 1)
    sign = "+" if value > 0 else ""
    return f"{sign}{text} Pp." if lang == "de" else f"{sign}{text} pp"


_FORMAT = {
    RATIO: lambda v, lang: percent(None if pd.isna(v) else float(v), lang),
    POINTS: _points,
    MONEY: lambda v, lang: currency(None if pd.isna(v) else float(v), lang),
    COUNT: lambda v, lang: number(None if pd.isna(v) else float(v), lang, 0),
    DECIMAL: lambda v, lang: number(None if pd.isna(v) else float(v), lang, 1),
}


def table(frame: pd.DataFrame, lang: str = "de", units: Mapping[str, str] | None = None,
          translate_values: tuple[str, ...] = ("step", "kpi")) -> pd.DataFrame:
    """A frame of display strings: numbers in the language's format, headers via ``charts.label.*``.

    Values of the ``translate_values`` columns (step names, KPI ids) are translated too.
    """
    units = dict(units or {})
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        series = frame[column]
        unit = units.get(column) or unit_of(str(column), series)
        if unit in _FORMAT:
            fmt = _FORMAT[unit]
            shown = series.map(lambda v, fmt=fmt: fmt(v, lang))
        elif column in translate_values:
            shown = series.map(lambda v: "–" if pd.isna(v) else label(v, lang))
        else:
            shown = series.astype("string").fillna("–")
        out[label(column, lang)] = shown.astype("string")
    return out.reset_index(drop=True)
