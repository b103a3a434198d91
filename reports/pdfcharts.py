"""Vector charts for the PDF with reportlab.graphics: a radar (drawn by hand) and bar/line charts."""
from __future__ import annotations

import math
from typing import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, String
from reportlab.lib import colors

SERIES_COLOURS = [colors.HexColor(c) for c in ("#1F4E78", "#ED7D31", "#70AD47", "#FFC000")]
GRID = colors.HexColor("#BFBFBF")


def _clean(values: Sequence[float | None]) -> list[float]:
    return [0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


def radar(axes: Sequence[str], current: Sequence[float], target: Sequence[float] | None,
          names: tuple[str, str], font: str, levels: int = 5, size: float = 300) -> Drawing:
    """A spider chart on a 0..``levels`` scale: grid rings, axes, target outline, current filled."""
    width, height = size * 2.2, size
    drawing = Drawing(width, height)
    cx, cy, radius = width / 2, height / 2, size * 0.36
    n = max(len(axes), 1)
    top = max([levels] + _clean(current) + _clean(target or []))

    def point(i: int, value: float) -> tuple[float, float]:
        angle = math.pi / 2 - 2 * math.pi * i / n
        r = radius * value / top
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for level in range(1, int(math.ceil(top)) + 1):
        ring = [c for i in range(n) for c in point(i, level)]
        drawing.add(Polygon(ring, strokeColor=GRID, strokeWidth=0.5, fillColor=None))
        drawing.add(String(cx + 2, cy + radius * level / top + 1, str(level), fontName=font, fontSize=6,
                           fillColor=colors.grey))
    for i, label in enumerate(axes):
        x, y = point(i, top)
        drawing.add(Line(cx, cy, x, y, strokeColor=GRID, strokeWidth=0.5))
        lx, ly = point(i, top * 1.12)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        drawing.add(String(lx, ly - 3, label[:40], fontName=font, fontSize=8, textAnchor=anchor))
    if target is not None:
        outline = [c for i, v in enumerate(_clean(target)) for c in point(i, v)]
        drawing.add(PolyLine(outline + outline[:2], strokeColor=SERIES_COLOURS[1], strokeWidth=1.5,
                             strokeDashArray=[4, 2]))
    fill = colors.Color(0.12, 0.31, 0.47, alpha=0.35)
    drawing.add(Polygon([c for i, v in enumerate(_clean(current)) for c in point(i, v)],
                        strokeColor=SERIES_COLOURS[0], strokeWidth=1.5, fillColor=fill))
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 10, height - 10, font, 8
    legend.colorNamePairs = [(SERIES_COLOURS[0], names[0])] + ([(SERIES_COLOURS[1], names[1])] if target else [])
    drawing.add(legend)
    return drawing


def bar_chart(categories: Sequence[str], series: Sequence[Sequence[float]], names: Sequence[str], font: str,
              horizontal: bool = False, line: bool = False, width: float = 640, height: float = 200) -> Drawing:
    """Grouped bars (vertical or horizontal) or lines of ``series`` by ``categories``."""
    drawing = Drawing(width, height)
    if line:
        chart = HorizontalLineChart()
    else:
        chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 60, 30, width - 200, height - 45
    chart.data = [tuple(_clean(s)) for s in series]
    chart.categoryAxis.categoryNames = [c[:24] for c in categories]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7
    values = [v for s in chart.data for v in s]
    chart.valueAxis.valueMin = min(0.0, min(values, default=0.0))
    for i in range(len(series)):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        if line:
            chart.lines[i].strokeColor, chart.lines[i].strokeWidth = colour, 1.5
        else:
            chart.bars[i].fillColor, chart.bars[i].strokeColor = colour, None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = width - 130, height - 20, font, 8
    legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], str(n)) for i, n in enumerate(names)]
    drawing.add(legend)
    return drawing
