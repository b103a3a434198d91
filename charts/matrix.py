"""Matrix chart (segment x channel): bubbles sized by volume, coloured by a rate or value."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import SEQUENTIAL, axis, base_layout, label


def matrix(frame: pd.DataFrame, lang: str = "de", x: str = "channel", y: str = "segment",
           colour: str = "response_rate", size: str | None = "contacts", percent: bool = True,
           title: str | None = None, max_bubble: float = 48.0) -> go.Figure:
    """One bubble per row: position ``x`` by ``y``, colour ``colour``, area proportional to ``size``."""
    values = frame[colour].astype("float64")
    if size is not None and len(frame):
        volume = frame[size].astype("float64").fillna(0)
        top = float(volume.max()) or 1.0
        sizes = (8 + (volume / top) ** 0.5 * (max_bubble - 8)).tolist()
    else:
        sizes = [max_bubble / 2] * len(frame)
    fmt = ".1%" if percent else ",.2f"
    fig = go.Figure(layout=base_layout(lang, title))
    fig.add_trace(go.Scatter(
        x=frame[x].astype("string").fillna("–").tolist(), y=frame[y].astype("string").fillna("–").tolist(),
        mode="markers+text", text=values.tolist(), texttemplate=f"%{{text:{fmt}}}", textposition="top center",
        marker={"size": sizes, "color": values.tolist(), "colorscale": SEQUENTIAL, "showscale": True,
                "colorbar": {"tickformat": ".0%" if percent else ",.2f", "title": {"text": label(colour, lang)}},
                "line": {"color": "#1f4e79", "width": 1}},
        hovertemplate=f"%{{x}} / %{{y}}: %{{marker.color:{fmt}}}<extra></extra>",
    ))
    fig.update_layout(xaxis={**axis(lang, title=label(x, lang)), "type": "category"},
                      yaxis={**axis(lang, title=label(y, lang)), "type": "category"})
    return fig
