"""The shared filter bar: period granularity, period range, channel, segment, region, campaign.

Returns a ``core.query.Filters`` (dates inclusive start, exclusive end) and the granularity.
Every widget has a key of its own page (``prefix``) and is mirrored to the URL (``from_url``,
``to_url``: ids, not translated labels), so a refresh or a shared link keeps the selection.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from charts.theme import label
from core.i18n import t
from core.query import Filters, Granularity
from services.filter_choices import FilterChoices

DIMENSIONS = ("channel", "segment", "region", "campaign_id")
_DIM_LABELS = {"channel": "common.channel", "segment": "common.segment", "region": "common.region",
               "campaign_id": "views.filter.campaign"}


@dataclass(frozen=True)
class FilterState:
    filters: Filters
    granularity: Granularity


def default_range(choices: FilterChoices, recent_months: int | None = None) -> tuple[date, date] | None:
    """The whole data range, or the last ``recent_months`` complete months of it."""
    first, last = choices.first_day, choices.last_day
    if first is None or last is None:
        return None
    if recent_months:
        end = last.replace(day=1) - timedelta(days=1)           # last day of the last complete month
        months = end.year * 12 + end.month - recent_months       # first month of the window
        start = date(months // 12, months % 12 + 1, 1)
        if start > first and end > start:
            return start, end
    return first, last


def _seen(key: str) -> str:
    return f"_url_{key}"


def from_url(key: str, options, default, multi: bool = False):
    """Seed the widget ``key`` from the URL (?key=value, repeated for lists) before it is drawn.

    A URL value that this session did not write itself (a fresh page load, a shared or drill-down
    link) wins over the session; otherwise the widget keeps what the user picked. Widgets then get
    no ``default``/``index`` of their own (one source of their value)."""
    allowed = [str(o) for o in options]
    raw = st.query_params.get_all(key) if multi else st.query_params.get(key)
    external = raw != st.session_state.get(_seen(key))
    if multi:
        wanted = [o for o in options if str(o) in raw] if raw and set(raw) <= set(allowed) else None
    else:
        wanted = next((o for o in options if str(o) == raw), None)
    if external and wanted is not None:
        st.session_state[key] = wanted
    elif key not in st.session_state or (not multi and st.session_state[key] not in options):
        st.session_state[key] = default


def to_url(key: str, value, default) -> None:
    """Mirror the widget's value into the URL (left out when it is the default), so a refresh or a
    shared link keeps it. Values are ids, never translated labels."""
    if value == default or value in (None, [], ()):
        st.query_params.pop(key, None)
        st.session_state[_seen(key)] = [] if isinstance(value, (list, tuple)) else None
    elif isinstance(value, (list, tuple)):
        st.query_params[key] = [str(v) for v in value]
        st.session_state[_seen(key)] = [str(v) for v in value]
    else:
        st.query_params[key] = str(value)
        st.session_state[_seen(key)] = str(value)


def _range_from_url(key: str, span: tuple[date, date] | None, lowest: date | None, highest: date | None) -> None:
    raw = st.query_params.get(key)
    if raw is not None and raw == st.session_state.get(_seen(key)) and key in st.session_state:
        return
    try:
        first, last = (date.fromisoformat(x) for x in raw.split("_")) if raw else (None, None)
    except ValueError:
        first = last = None
    inside = first and last and (lowest is None or first >= lowest) and (highest is None or last <= highest)
    if inside and first <= last:
        st.session_state[key] = (first, last)
    elif key not in st.session_state:
        st.session_state[key] = span or ()


def filter_bar(prefix: str, lang: str, choices: FilterChoices, granularity: bool = True,
               default_granularity: Granularity = Granularity.MONTH, dimensions: tuple[str, ...] = DIMENSIONS,
               recent_months: int | None = None) -> FilterState:
    """Draw the bar and return what it selects (every value mirrored to the URL)."""
    gran = default_granularity
    with st.container(border=True):
        cols = iter([*st.columns([1.2, 1.3, 2.5], vertical_alignment="bottom")[:2 if granularity else 1],
                     *st.columns(len(dimensions), vertical_alignment="bottom")])
        if granularity:
            key = f"{prefix}_gran"
            values = [g.value for g in Granularity]
            from_url(key, values, default_granularity.value)
            chosen = next(cols).segmented_control(
                t("views.filter.granularity", lang), values, format_func=lambda v: t(f"common.{v}", lang),
                key=key, required=True)
            to_url(key, chosen, default_granularity.value)
            gran = Granularity(chosen or default_granularity.value)
        span = default_range(choices, recent_months)
        key = f"{prefix}_range"
        _range_from_url(key, span, choices.first_day, choices.last_day)
        picked = next(cols).date_input(
            t("common.period", lang), min_value=choices.first_day, max_value=choices.last_day,
            format="DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD", key=key)
        start = end = None
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start, end = picked[0], picked[1] + timedelta(days=1)   # the bar shows the last day; Filters excludes end
            to_url(key, f"{picked[0].isoformat()}_{picked[1].isoformat()}",
                   f"{span[0].isoformat()}_{span[1].isoformat()}" if span else None)
        selected = {}
        for dim in dimensions:
            key = f"{prefix}_{dim}"
            options = list(choices.of(dim))
            from_url(key, options, [], multi=True)
            fmt = (lambda v: choices.campaign_names.get(v, v)) if dim == "campaign_id" else (lambda v: label(v, lang))
            selected[dim] = next(cols).multiselect(t(_DIM_LABELS[dim], lang), options, format_func=fmt, key=key,
                                                   placeholder=t("common.all", lang))
            to_url(key, selected[dim], [])
    return FilterState(Filters.of(start, end, **selected), gran)


def describe(state: FilterState, lang: str) -> str:
    """One line naming the active filters (captions under charts and tables)."""
    parts = []
    f = state.filters
    if f.start and f.end:
        fmt = "%d.%m.%Y" if lang == "de" else "%Y-%m-%d"
        parts.append(f"{f.start.strftime(fmt)} – {(f.end - timedelta(days=1)).strftime(fmt)}")
    for dim, values in f.dimensions:
        parts.append(f"{t(_DIM_LABELS.get(dim, dim), lang)}: {', '.join(label(v, lang) for v in values)}")
    return " · ".join(parts)
