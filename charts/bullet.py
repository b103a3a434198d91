"""A KPI against its target: ``bullet`` (horizontal bar) or ``gauge`` (dial), coloured by status."""
from __future__ import annotations

import math

import plotly.graph_objects as go

from charts.theme import GRID_COLOUR, base_layout, status_colour


def _indicator(shape: str, actual: float | None, target: float | None, lang: str, status: str | None,
               title: str | None, percent: bool, maximum: float | None, height: int) -> go.Figure:
    value = float("nan") if actual is None else float(actual)
    known = [v for v in (value, target) if v is not None and not math.isnan(v)]
    top = maximum if maximum is not None else (max(known) * 1.25 if known and max(known) > 0 else 1.0)
    gauge = {"shape": shape, "axis": {"range": [0, top], "tickformat": ".0%" if percent else ",~r"},
             "bar": {"color": status_colour(status or "grey")}, "bgcolor": "white",
             "borderwidth": 1, "bordercolor": GRID_COLOUR}
    if target is not None:
        gauge["threshold"] = {"line": {"color": "#262730", "width": 3}, "thickness": 0.8, "value": float(target)}
    layout = base_layout(lang, height=height)
    layout["margin"] = {"l": 24, "r": 24, "t": 40 if title else 16, "b": 16}
    fig = go.Figure(layout=layout)
    fig.add_trace(go.Indicator(
        mode="number+gauge+delta" if target is not None else "number+gauge", value=value,
        number={"valueformat": ".1%" if percent else ",.1f"},
        delta={"reference": float(target), "valueformat": ".1%" if percent else ",.1f"} if target is not None else None,
        gauge=gauge, title={"text": title} if title else None,
    ))
    return fig


def bullet(actual: float | None, target: float | None = None, lang: str = "de", status: str | None = None,
           title: str | None = None, percent: bool = False, maximum: float | None = None) -> go.Figure:
    return _indicator("bullet", actual, target, lang, status, title, percent, maximum, height=110)


def gauge(actual: float | None, target: float | None = None, lang: str = "de", status: str | None = None,
          title: str | None = None, percent: bool = False, maximum: float | None = None) -> go.Figure:
    return _indicator("angular", actual, target, lang, status, title, percent, maximum, height=220)
