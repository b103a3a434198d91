"""Vector charts for the PDF with reportlab.graphics: a radar (drawn by hand) and bar/line charts.

Series take the colours of the app's chart theme (``charts.theme.PALETTE``, eight colours), so a
chart with up to eight series keeps one colour per series; the legend lists them in one column.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from charts.theme import PALETTE

SERIES_COLOURS = [colors.HexColor(c) for c in PALETTE]
MAX_SERIES = len(SERIES_COLOURS)
TARGET_COLOUR = SERIES_COLOURS[5]  # the app's radar draws the target in the same colour
GRID = colors.HexColor("#BFBFBF")


def _clean(values: Sequence[float | None]) -> list[float]:
    return [0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


def wrap_label(text: str, width: float, font: str, size: float, max_lines: int = 3) -> list[str]:
    """``text`` broken into lines no wider than ``width``: at spaces, and a word that is still too
    wide after its hyphens ("Multi-Channel-" / "Management"); a word without either stays whole."""
    words: list[str] = []
    for word in str(text).split():
        if stringWidth(word, font, size) > width and "-" in word.strip("-"):
            parts = word.split("-")
            words += [p + "-" for p in parts[:-1]] + [parts[-1]]
        else:
            words.append(word)
    lines: list[str] = []
    for word in words:
        joined = f"{lines[-1]}{word}" if lines and lines[-1].endswith("-") else f"{lines[-1] if lines else ''} {word}"
        if lines and stringWidth(joined, font, size) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return lines or [""]


def radar(axes: Sequence[str], current: Sequence[float], target: Sequence[float] | None,
          names: tuple[str, str], font: str, levels: int = 5, width: float = 400, height: float = 330,
          label_width: float = 80, font_size: float = 8) -> Drawing:
    """A spider chart on a 0..``levels`` scale: grid rings, axes, target outline, current filled.

    Axis labels wrap to ``label_width``; the radius is the largest that keeps every label inside
    the drawing.
    """
    drawing = Drawing(width, height)
    cx, cy = width / 2, (height - 24) / 2
    n = max(len(axes), 1)
    top = max([levels] + _clean(current) + _clean(target or []))
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]
    wrapped = [wrap_label(a, label_width, font, font_size) for a in axes]
    radius = cy - 12 - 9 * max((len(w) for w in wrapped), default=1)  # room for the labels above and below
    for angle, lines in zip(angles, wrapped):
        reach = abs(math.cos(angle))
        if reach > 0.1:
            label = max(stringWidth(line, font, font_size) for line in lines)
            radius = min(radius, (width / 2 - 4 - label) / reach - 8)
    radius = max(radius, 20.0)

    def point(i: int, value: float, r: float = radius) -> tuple[float, float]:
        return cx + r * value / top * math.cos(angles[i]), cy + r * value / top * math.sin(angles[i])

    for level in range(1, int(math.ceil(top)) + 1):
        ring = [c for i in range(n) for c in point(i, level)]
        drawing.add(Polygon(ring, strokeColor=GRID, strokeWidth=0.5, fillColor=None))
        drawing.add(String(cx + 2, cy + radius * level / top + 1, str(level), fontName=font, fontSize=6,
                           fillColor=colors.grey))
    for i, lines in enumerate(wrapped):
        x, y = point(i, top)
        drawing.add(Line(cx, cy, x, y, strokeColor=GRID, strokeWidth=0.5))
        lx, ly = point(i, top, radius + 8)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        block = 9 * len(lines)
        # above the centre the block grows upwards, below it downwards, beside it centred
        first = ly + block - 7 if ly > cy + 5 and anchor == "middle" else (
            ly - 7 if ly < cy - 5 and anchor == "middle" else ly + block / 2 - 7)
        for k, text in enumerate(lines):
            drawing.add(String(lx, first - 9 * k, text, fontName=font, fontSize=font_size, textAnchor=anchor))
    if target is not None:
        outline = [c for i, v in enumerate(_clean(target)) for c in point(i, v)]
        drawing.add(PolyLine(outline + outline[:2], strokeColor=TARGET_COLOUR, strokeWidth=1.5,
                             strokeDashArray=[4, 2]))
    fill = colors.Color(0.12, 0.31, 0.47, alpha=0.35)
    drawing.add(Polygon([c for i, v in enumerate(_clean(current)) for c in point(i, v)],
                        strokeColor=SERIES_COLOURS[0], strokeWidth=1.5, fillColor=fill))
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 4, height - 4, font, 8
    legend.alignment, legend.columnMaximum, legend.deltay = "right", 2, 10
    legend.colorNamePairs = [(SERIES_COLOURS[0], names[0])] + ([(TARGET_COLOUR, names[1])] if target else [])
    drawing.add(legend)
    return drawing


def bar_chart(categories: Sequence[str], series: Sequence[Sequence[float]], names: Sequence[str], font: str,
              horizontal: bool = False, line: bool = False, width: float = 750, height: float = 200,
              value_format: Callable[[float], str] | None = None) -> Drawing:
    """Grouped bars (vertical or horizontal) or lines of up to eight ``series`` by ``categories``.

    ``value_format`` labels the value axis (e.g. ``12 %``, ``600.000``); the legend sits at the
    right, one series per line, as wide as its longest name.
    """
    series, names = list(series)[:MAX_SERIES], list(names)[:MAX_SERIES]
    drawing = Drawing(width, height)
    if line:
        chart = HorizontalLineChart()
    else:
        chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    legend_width = max([stringWidth(str(n), font, 8) for n in names] + [40.0]) + 24
    labels = [c[:24] for c in categories]
    left = (max([stringWidth(c, font, 7) for c in labels] + [30.0]) + 12) if horizontal else 60
    chart.x, chart.y = left, 30
    chart.width, chart.height = width - left - legend_width - 20, height - 45
    chart.data = [tuple(_clean(s)) for s in series]
    chart.categoryAxis.categoryNames = labels
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7
    values = [v for s in chart.data for v in s]
    chart.valueAxis.valueMin = min(0.0, min(values, default=0.0))
    if value_format is not None:
        chart.valueAxis.labelTextFormat = value_format
    for i in range(len(series)):
        colour = SERIES_COLOURS[i % MAX_SERIES]
        if line:
            chart.lines[i].strokeColor, chart.lines[i].strokeWidth = colour, 1.5
        else:
            chart.bars[i].fillColor, chart.bars[i].strokeColor = colour, None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = width - legend_width, height - 10, font, 8
    legend.alignment, legend.columnMaximum, legend.deltay = "right", MAX_SERIES, 11
    legend.colorNamePairs = [(SERIES_COLOURS[i % MAX_SERIES], str(n)) for i, n in enumerate(names)]
    drawing.add(legend)
    return drawing
