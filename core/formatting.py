"""Formatting at the edge: values stay raw in the core (a rate is 0.1169); this turns them into
``11,7 %`` (de) or ``11.7%`` (en). Charts and tables call these, nothing else formats numbers.

The German pages follow a locale (issue 14.9): ``COCKPIT_LOCALE`` (de-DE by default, de-AT,
de-CH), or the one chosen on the settings page for this server process (``use_locale``). Babel
(CLDR) supplies each locale's decimal and grouping signs and where the currency and percent
signs go: de-DE ``1.234,5 · 11,7 % · 1.234,50 €``, de-AT ``€ 1.234,50``, de-CH
``1'234.5 · 11.7% · € 1'234.50``; the English pages stay ``1,234.5 · 11.7% · €1,234.50`` and
ISO dates. Rounding is Python's (``f"{x:.1f}"``) in every locale, so de-DE and en read exactly
as before.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache

from core.settings import LOCALES, locale_setting

_chosen: str | None = None  # set on the settings page; None: COCKPIT_LOCALE


def use_locale(name: str | None) -> str:
    """Use ``name`` (one of ``LOCALES``) for this process from now on; ``None``: the setting again."""
    global _chosen
    if name is not None and name not in LOCALES:
        raise ValueError(f"unknown locale {name!r}; one of {LOCALES}")
    _chosen = name
    return current_locale()


def current_locale() -> str:
    return _chosen or locale_setting()


def locale_for(lang: str) -> str:
    """The locale of a page in ``lang``: the chosen one when it is of that language, else de-DE / en."""
    chosen = current_locale()
    if chosen.split("-")[0] == lang:
        return chosen
    return "de-DE" if lang == "de" else "en"


@lru_cache(maxsize=8)
def _signs(locale: str) -> tuple[dict[int, str], str, tuple[str, str]]:
    """(translation of ``,`` and ``.``, percent suffix, currency (before, after) spacing) from CLDR."""
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    loc = Locale.parse(locale.replace("-", "_"))
    table = str.maketrans({",": get_group_symbol(loc), ".": get_decimal_symbol(loc)})
    percent = loc.percent_formats[None].pattern.split(";")[0]
    suffix = " %" if any(f"{s}%" in percent for s in (" ", "\u00a0", "\u202f")) else "%"
    money = loc.currency_formats["standard"].pattern.split(";")[0]
    before = money.startswith("¤")
    spaced = any(s in money for s in ("¤ ", " ¤", "¤\u00a0", "\u00a0¤"))
    return table, suffix, ("before" if before else "after", " " if spaced else "")


def _group(value: float, decimals: int, lang: str) -> str:
    return f"{value:,.{decimals}f}".translate(_signs(locale_for(lang))[0])


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, lang: str = "de", decimals: int = 0) -> str:
    return "–" if _missing(value) else _group(float(value), decimals, lang)


def percent(value: float | None, lang: str = "de", decimals: int = 1) -> str:
    if _missing(value):
        return "–"
    return _group(float(value) * 100, decimals, lang) + _signs(locale_for(lang))[1]


def currency(value: float | None, lang: str = "de", decimals: int = 2, symbol: str = "€") -> str:
    if _missing(value):
        return "–"
    text = _group(float(value), decimals, lang)
    where, space = _signs(locale_for(lang))[2]
    return f"{symbol}{space}{text}" if where == "before" else f"{text}{space}{symbol}"


def day(value: date | datetime | None, lang: str = "de") -> str:
    if value is None:
        return "–"
    if lang != "de":
        return value.strftime("%Y-%m-%d")
    from babel.dates import format_date

    return format_date(value, "medium", locale=locale_for(lang).replace("-", "_"))


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
    return {"separators": ".,".translate(_signs(locale_for(lang))[0])}
