"""Sparkline: a tiny line of the last periods, the last point coloured by its status."""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from charts.theme import PALETTE, base_layout, status_colour


def sparkline(values: Sequence[float | None], periods: Sequence[str] | None = None, lang: str = "de",
              status: str | None = None, height: int = 60, width: int = 180) -> go.Figure:
    """No axes, no legend; hover shows period and value."""
    ys = [float("nan") if v is None else float(v) for v in values]
    xs = list(periods) if periods is not None else list(range(len(ys)))
    layout = base_layout(lang, height=height)
    layout.update(width=width, margin={"l": 2, "r": 2, "t": 2, "b": 2}, showlegend=False,
                  xaxis={"visible": False}, yaxis={"visible": False})
    fig = go.Figure(layout=layout)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": PALETTE[0], "width": 1.5},
                             hovertemplate="%{x}: %{y:,.2f}<extra></extra>"))
    if ys:
        fig.add_trace(go.Scatter(x=xs[-1:], y=ys[-1:], mode="markers", hoverinfo="skip",
                                 marker={"size": 7, "color": status_colour(status or "grey")}))
    return fig
