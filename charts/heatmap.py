"""Heatmap: cohort retention (cohort x months since acquisition) or questions x participants."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import SEQUENTIAL, axis, base_layout, label


def heatmap(frame: pd.DataFrame, x: str, y: str, z: str, lang: str = "de", percent: bool = False,
            title: str | None = None, zmin: float | None = None, zmax: float | None = None,
            colorscale: list | str | None = None) -> go.Figure:
    """Pivot the tidy ``frame`` (``y`` rows, ``x`` columns, ``z`` values) and colour the cells."""
    grid = frame.pivot(index=y, columns=x, values=z) if len(frame) else pd.DataFrame()
    fig = go.Figure(layout=base_layout(lang, title))
    fig.add_trace(go.Heatmap(
        x=[str(c) for c in grid.columns], y=[str(i) for i in grid.index],
        z=grid.astype("float64").to_numpy().tolist(),
        zmin=zmin, zmax=zmax, colorscale=colorscale or SEQUENTIAL,
        texttemplate="%{z:.0%}" if percent else "%{z:,.1f}",
        hoverongaps=False, colorbar={"tickformat": ".0%" if percent else ",.1f"},
    ))
    fig.update_layout(xaxis={**axis(lang, title=label(x, lang)), "type": "category"},
                      yaxis={**axis(lang, title=label(y, lang)), "type": "category", "autorange": "reversed"})
    return fig
