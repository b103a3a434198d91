"""Radar chart of maturity: current vs target vs previous round, one axis per domain."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from charts.theme import PALETTE, base_layout, label

_STYLE = {"current": {"color": PALETTE[0], "fill": "toself", "dash": "solid"},
          "target": {"color": PALETTE[5], "fill": "none", "dash": "dash"},
          "previous": {"color": PALETTE[4], "fill": "none", "dash": "dot"}}


def radar(frame: pd.DataFrame, lang: str = "de", domain: str = "domain", names: str | None = None,
          series: Sequence[str] = ("current", "target", "previous"), max_level: float = 5.0,
          title: str | None = None) -> go.Figure:
    """One closed polygon per column in ``series`` present in ``frame``; ``names`` holds axis labels."""
    theta = frame[names if names else domain].astype("string").tolist()
    fig = go.Figure(layout=base_layout(lang, title))
    for i, col in enumerate(c for c in series if c in frame):
        style = _STYLE.get(col, {"color": PALETTE[(i + 1) % len(PALETTE)], "fill": "none", "dash": "solid"})
        r = frame[col].astype("float64").tolist()
        fig.add_trace(go.Scatterpolar(
            r=r + r[:1], theta=theta + theta[:1], name=label(col, lang), fill=style["fill"],
            line={"color": style["color"], "dash": style["dash"], "width": 2}, opacity=0.9,
        ))
    fig.update_layout(polar={"radialaxis": {"range": [0, max_level], "dtick": 1, "gridcolor": "#e6e9ef"},
                             "angularaxis": {"gridcolor": "#e6e9ef"}, "bgcolor": "white"},
                      showlegend=True)
    return fig
