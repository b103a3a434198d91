"""Funnel chart: the lifecycle steps with their counts and the conversion from step to step."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import PALETTE, base_layout, label


def funnel(frame: pd.DataFrame, lang: str = "de", step: str = "step", value: str = "count",
           title: str | None = None) -> go.Figure:
    """One bar per row of ``frame`` in its order; the text shows the count and % of the previous step."""
    fig = go.Figure(layout=base_layout(lang, title))
    fig.add_trace(go.Funnel(
        y=[label(s, lang) for s in frame[step].tolist()],
        x=frame[value].astype("float64").tolist(),
        customdata=frame[step].astype("string").tolist(),
        textinfo="value+percent previous",
        marker={"color": [PALETTE[i % 4] for i in range(len(frame))]},
        connector={"line": {"color": "#d0d5dd"}},
    ))
    return fig
