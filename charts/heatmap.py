"""Heatmap: cohort retention (cohort x months since acquisition) or questions x participants."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.theme import SEQUENTIAL, axis, base_layout, label
from core.formatting import number
from core.formatting import percent as as_percent


def heatmap(frame: pd.DataFrame, x: str, y: str, z: str, lang: str = "de", percent: bool = False,
            title: str | None = None, zmin: float | None = None, zmax: float | None = None,
            colorscale: list | str | None = None, note: str | None = None) -> go.Figure:
    """Pivot the tidy ``frame`` (``y`` rows, ``x`` columns, ``z`` values) and colour the cells; a cell
    without a value shows the ``note`` column's text (e.g. "k. A." for not applicable), else stays empty."""
    grid = frame.pivot(index=y, columns=x, values=z) if len(frame) else pd.DataFrame()
    values = grid.astype("float64").to_numpy().tolist()
    notes = (frame.pivot(index=y, columns=x, values=note).reindex(index=grid.index, columns=grid.columns)
             .astype("string").fillna("").to_numpy().tolist() if note and len(frame) else None)
    fig = go.Figure(layout=base_layout(lang, title))
    fig.add_trace(go.Heatmap(
        x=[str(c) for c in grid.columns], y=[str(i) for i in grid.index],
        z=values,
        text=[[_cell(v, lang, percent) or (notes[i][j] if notes else "") for j, v in enumerate(row)]
              for i, row in enumerate(values)], texttemplate="%{text}",
        zmin=zmin, zmax=zmax, colorscale=colorscale or SEQUENTIAL,
        hoverongaps=False, colorbar={"tickformat": ".0%" if percent else ",.1f"},
    ))
    fig.update_layout(xaxis={**axis(lang, title=label(x, lang)), "type": "category"},
                      yaxis={**axis(lang, title=label(y, lang)), "type": "category", "autorange": "reversed"})
    return fig


def _cell(value: float, lang: str, percent: bool) -> str:
    """The cell text in the language ("45 %", "3,5"); an empty cell (N/A, no answer) stays empty."""
    if value != value:
        return ""
    return as_percent(value, lang, 0) if percent else number(value, lang, 1)
