"""Strategy map: objectives as boxes in their perspective's row, cause-and-effect arrows between them,
each box coloured by its status. Takes the plain data of ``scorecards.strategy_map.StrategyMap.to_dict()``."""
from __future__ import annotations

import plotly.graph_objects as go

from charts.theme import GRID_COLOUR, TEXT_COLOUR, base_layout, status_colour
from core.formatting import percent

_HALF_HEIGHT = 0.28
_LEFT = 0.18  # the perspective labels take the left margin of the x range [0, 1]


def _centre(node: dict, rows: int) -> tuple[float, float]:
    x = _LEFT + (1 - _LEFT) * (node["column"] + 0.5) / max(node["columns"], 1)
    return x, float(rows - 1 - node["row"])


def _half_width(nodes: list[dict]) -> float:
    widest = max((n["columns"] for n in nodes), default=1)
    return min(0.4 * (1 - _LEFT) / widest, 0.16)


def _name(value: dict | str, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("de") or value.get("en") or ""
    return str(value)


def _wrap(text: str, width: int = 22) -> str:
    """Break a box label into lines of about ``width`` characters (plotly does not wrap)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _edge_colour(edge: dict) -> str:
    return "#c97b63" if edge.get("loop") else "#6c757d"


def strategy_map(data: dict, lang: str = "de", title: str | None = None, height: int | None = None) -> go.Figure:
    """One row band per perspective (top to bottom), one box per objective, one arrow per ``causes`` link."""
    rows, nodes, edges = data.get("rows", []), data.get("nodes", []), data.get("edges", [])
    n_rows = max(len(rows), 1)
    fig = go.Figure(layout=base_layout(lang, title, height or 140 * n_rows + 60))
    hw = _half_width(nodes)
    for r in rows:
        y = n_rows - 1 - r["row"]
        fig.add_shape(type="rect", x0=0, x1=1, y0=y - 0.45, y1=y + 0.45, line={"width": 0},
                      fillcolor="#f4f6f9" if r["row"] % 2 == 0 else "white", layer="below")
        score = "" if r.get("score") is None else f"<br>{percent(r['score'], lang, 0)}"
        colour = status_colour(r.get("status", "grey")) if score else TEXT_COLOUR
        fig.add_annotation(x=0.01, y=y, text=f"<b>{_name(r['name'], lang)}</b>{score}", showarrow=False,
                           xanchor="left", align="left", font={"color": colour})
    centres = {n["id"]: _centre(n, n_rows) for n in nodes}
    columns = {n["id"]: n["column"] for n in nodes}
    for n in nodes:
        x, y = centres[n["id"]]
        fig.add_shape(type="rect", x0=x - hw, x1=x + hw, y0=y - _HALF_HEIGHT, y1=y + _HALF_HEIGHT,
                      line={"color": GRID_COLOUR, "width": 1}, fillcolor=status_colour(n.get("status", "grey")),
                      opacity=0.9)
        fig.add_annotation(x=x, y=y, text=_wrap(_name(n["name"], lang)), showarrow=False,
                           font={"color": "white", "size": 12})
    fig.add_trace(go.Scatter(
        x=[centres[n["id"]][0] for n in nodes], y=[centres[n["id"]][1] for n in nodes], mode="markers",
        marker={"size": 1, "color": [status_colour(n.get("status", "grey")) for n in nodes], "opacity": 0},
        customdata=[[n["id"], n.get("status", "grey")] for n in nodes], name="",
        text=[f"{_name(n['name'], lang)}: {percent(n.get('score'), lang, 0)}" for n in nodes],
        hovertemplate="%{text}<extra></extra>", showlegend=False))
    for e in edges:
        if e["source"] not in centres or e["target"] not in centres:
            continue
        (x0, y0), (x1, y1) = centres[e["source"]], centres[e["target"]]
        apart = abs(columns[e["source"]] - columns[e["target"]])
        if y0 == y1 and apart > 1:  # same row, boxes in between: an elbow above them
            top = y0 + (_HALF_HEIGHT + 0.45) / 2
            fig.add_trace(go.Scatter(x=[x0, x0, x1], y=[y0 + _HALF_HEIGHT, top, top], mode="lines",
                                     line={"color": _edge_colour(e), "width": 1.5}, hoverinfo="skip",
                                     showlegend=False))
            x0, y0, y1 = x1, top, y1 + _HALF_HEIGHT
        elif y0 == y1:  # neighbours in a row: side to side
            x0, x1 = (x0 + hw, x1 - hw) if x1 > x0 else (x0 - hw, x1 + hw)
        else:
            sign = 1 if y1 > y0 else -1
            y0, y1 = y0 + sign * _HALF_HEIGHT, y1 - sign * _HALF_HEIGHT
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
                           showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=1.5,
                           arrowcolor=_edge_colour(e))
    fig.update_layout(xaxis={"visible": False, "range": [0, 1], "fixedrange": True},
                      yaxis={"visible": False, "range": [-0.6, n_rows - 0.4], "fixedrange": True},
                      showlegend=False)
    return fig
