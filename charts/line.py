"""Line chart: a KPI (or several) over periods, one line per series."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import axis, base_layout, colour, label

_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _x_values(x: pd.Series) -> tuple[list, bool, bool]:
    """Month labels (2024-03) become dates so that the axis shows German dates; others stay."""
    if pd.api.types.is_datetime64_any_dtype(x):
        return list(x), True, False
    text = x.astype("string")
    if len(text) and text.str.match(_MONTH).fillna(False).all():
        return list(pd.to_datetime(text + "-01")), True, True
    return text.tolist(), False, False


def line(frame: pd.DataFrame, lang: str = "de", x: str = "period", y: str = "value", series: str | None = "kpi",
         percent: bool = False, title: str | None = None, y_title: str | None = None) -> go.Figure:
    """One line per value of ``series`` (or a single line when ``series`` is None), sorted by ``x``."""
    layout = base_layout(lang, title)
    fig = go.Figure(layout=layout)
    groups = [(None, frame)] if series is None or series not in frame else frame.groupby(series, sort=False)
    dates = monthly = False
    for i, (name, part) in enumerate(groups):
        part = part.sort_values(x)
        xs, dates, monthly = _x_values(part[x])
        fig.add_trace(go.Scatter(
            x=xs, y=part[y].astype("float64").tolist(), mode="lines+markers",
            name=label(name, lang) if name is not None else label(y, lang),
            line={"color": colour(i), "width": 2}, marker={"size": 6},
        ))
    xaxis = axis(lang, dates=dates, monthly=monthly)
    if monthly and len(frame):  # one tick per month (or quarter, year): never two ticks in one month
        months = frame[x].astype("string").nunique()
        xaxis["dtick"] = "M1" if months <= 12 else "M3" if months <= 36 else "M12"
    fig.update_layout(xaxis=xaxis,
                      yaxis=axis(lang, percent=percent, title=y_title))
    return fig


def add_forecast(fig: go.Figure, rows: pd.DataFrame, lang: str, name: str, band_name: str,
                 last: tuple[str, float] | None = None) -> go.Figure:
    """A forecast as a dashed continuation of the line with its interval as a shaded band
    (``rows``: period, value, lower, upper); ``last`` (period, value) joins it to the last actual value."""
    if last is not None:
        joint = pd.DataFrame({"period": [last[0]], "value": [last[1]], "lower": [last[1]], "upper": [last[1]]})
        rows = pd.concat([joint, rows[["period", "value", "lower", "upper"]]], ignore_index=True)
    xs, _, _ = _x_values(rows["period"].astype("string"))
    values = rows["value"].astype("float64").tolist()
    lower, upper = rows["lower"].astype("float64").tolist(), rows["upper"].astype("float64").tolist()
    fig.add_trace(go.Scatter(x=xs, y=upper, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=xs, y=lower, mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor="rgba(31, 78, 121, 0.15)", name=band_name, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=xs, y=values, mode="lines+markers", name=name,
                             line={"color": colour(0), "width": 2, "dash": "dash"}, marker={"size": 5}))
    return fig


def add_target(fig: go.Figure, value: float | None, name: str) -> go.Figure:
    """The target as a dotted horizontal line, named at its right end."""
    if value is None:
        return fig
    fig.add_hline(y=float(value), line={"color": "#7F7F7F", "width": 1, "dash": "dot"}, annotation_text=name,
                  annotation_position="top right", annotation_font={"color": "#595959", "size": 11})
    return fig
