"""Funnel chart: the lifecycle steps with their counts and the conversion from step to step."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import PALETTE, base_layout, label
from core.formatting import number, percent


def funnel(frame: pd.DataFrame, lang: str = "de", step: str = "step", value: str = "count",
           title: str | None = None) -> go.Figure:
    """One bar per row of ``frame`` in its order; the text shows the count and % of the previous step."""
    fig = go.Figure(layout=base_layout(lang, title))
    counts = frame[value].astype("float64").tolist()
    shares = [1.0 if i == 0 else (c / counts[i - 1] if counts[i - 1] else None) for i, c in enumerate(counts)]
    fig.add_trace(go.Funnel(
        y=[label(s, lang) for s in frame[step].tolist()],
        x=counts,
        customdata=frame[step].astype("string").tolist(),
        text=[f"{number(c, lang)} · {percent(p, lang, 0)}" for c, p in zip(counts, shares)],
        textinfo="text",
        marker={"color": [PALETTE[i % 4] for i in range(len(frame))]},
        connector={"line": {"color": "#d0d5dd"}},
    ))
    return fig
