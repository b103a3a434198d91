"""Bar chart: a measure by category (e.g. revenue by period and channel), stacked or grouped."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import axis, base_layout, colour, label


def bar(frame: pd.DataFrame, x: str, y: str, lang: str = "de", stack: str | None = None, stacked: bool = True,
        horizontal: bool = False, percent: bool = False, title: str | None = None) -> go.Figure:
    """One trace per value of ``stack`` (one trace when None); stacked unless ``stacked=False``."""
    fig = go.Figure(layout=base_layout(lang, title))
    groups = [(None, frame)] if stack is None else frame.groupby(stack, sort=True)
    for i, (name, part) in enumerate(groups):
        cats = part[x].astype("string").tolist()
        values = part[y].astype("float64").tolist()
        fig.add_trace(go.Bar(
            x=values if horizontal else cats, y=cats if horizontal else values,
            orientation="h" if horizontal else "v",
            name=label(name, lang) if name is not None else label(y, lang),
            marker={"color": colour(i)},
        ))
    value_axis = axis(lang, percent=percent, title=label(y, lang))
    cat_axis = {**axis(lang, title=label(x, lang)), "type": "category"}
    fig.update_layout(barmode="stack" if stacked else "group",
                      xaxis=value_axis if horizontal else cat_axis, yaxis=cat_axis if horizontal else value_axis)
    return fig
