"""Formatting at the edge: values stay raw in the core (a rate is 0.1169); this turns them into
``11,7 %`` (de) or ``11.7%`` (en). Charts and tables call these, nothing else formats numbers."""
from __future__ import annotations

import math
from datetime import date, datetime


def _group(value: float, decimals: int, lang: str) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, lang: str = "de", decimals: int = 0) -> str:
    return "–" if _missing(value) else _group(float(value), decimals, lang)


def percent(value: float | None, lang: str = "de", decimals: int = 1) -> str:
    if _missing(value):
        return "–"
    text = _group(float(value) * 100, decimals, lang)
    return f"{text} %" if lang == "de" else f"{text}%"


def currency(value: float | None, lang: str = "de", decimals: int = 2, symbol: str = "€") -> str:
    if _missing(value):
        return "–"
    text = _group(float(value), decimals, lang)
    return f"{text} {symbol}" if lang == "de" else f"{symbol}{text}"


def day(value: date | datetime | None, lang: str = "de") -> str:
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y") if lang == "de" else value.strftime("%Y-%m-%d")


def by_unit(value: float | None, unit: str, lang: str = "de") -> str:
    """Format a KPI value by its declared unit: ratio, percent_points, currency, days, hours, count, score."""
    if unit == "ratio":
        return percent(value, lang)
    if unit == "currency":
        return currency(value, lang)
    if unit in ("days", "hours"):
        suffix = {"days": ("Tage", "days"), "hours": ("Std.", "h")}[unit][0 if lang == "de" else 1]
        return f"{number(value, lang, 1)} {suffix}"
    if unit == "count":
        return number(value, lang, 0)
    return number(value, lang, 1)


def d3_locale(lang: str) -> dict:
    """Plotly ``layout.separators`` for the language: decimal then thousands."""
    return {"separators": ",." if lang == "de" else ".,"}
