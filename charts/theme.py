"""One calm, professional look for every chart: palette, status colours, layout defaults.

Every builder in ``charts`` starts from ``base_layout(lang)``, which sets the number separators
of the language (``1.234,5`` in German) and the font, and labels columns through ``label``.
"""
from __future__ import annotations

import plotly.graph_objects as go

from core.formatting import d3_locale
from core.i18n import name_for

# muted blues and teals first, warm accents last: readable on a projector and in print
PALETTE = ("#1f4e79", "#2e86ab", "#5aa9a1", "#8fb8de", "#6c757d", "#b08d57", "#7f6a93", "#c97b63")
STATUS_COLOURS = {"green": "#2e8b57", "amber": "#e0a526", "red": "#c0392b", "grey": "#a0a4a8"}
SEQUENTIAL = [[0.0, "#f4f8fb"], [0.5, "#8fb8de"], [1.0, "#1f4e79"]]
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
TEXT_COLOUR = "#262730"
GRID_COLOUR = "#e6e9ef"

# d3 time formats: German day.month.year, English ISO
DATE_FORMATS = {"de": {"day": "%d.%m.%Y", "month": "%m.%Y"}, "en": {"day": "%Y-%m-%d", "month": "%Y-%m"}}


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(str(status), STATUS_COLOURS["grey"])


def label(name: object, lang: str) -> str:
    """The display text for a column or value: ``charts.label.<name>`` if it exists, else the name."""
    return name_for("charts.label", name, lang)


def base_layout(lang: str, title: str | None = None, height: int | None = None) -> dict:
    """Layout defaults: separators of the language, font, white background, tidy margins."""
    layout = {
        **d3_locale(lang),
        "font": {"family": FONT, "color": TEXT_COLOUR, "size": 13},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(PALETTE),
        "margin": {"l": 48, "r": 24, "t": 56 if title else 24, "b": 40},
        "legend": {"orientation": "h", "y": -0.18},
        "hoverlabel": {"font": {"family": FONT}},
    }
    if title:
        layout["title"] = {"text": title, "x": 0.0, "xanchor": "left"}
    if height:
        layout["height"] = height
    return layout


def axis(lang: str, dates: bool = False, percent: bool = False, title: str | None = None, monthly: bool = False) -> dict:
    """An axis in the house style; date axes get German (or ISO) tick formats, rates a % format."""
    # grouped digits, never SI suffixes: "1.400.000", not "1.4M" (d3 has no "Mio.")
    out: dict = {"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "linecolor": GRID_COLOUR,
                 "exponentformat": "none", "separatethousands": True, "automargin": True}
    if title:
        out["title"] = {"text": title}
    if dates:
        out["tickformat"] = DATE_FORMATS[_lang(lang)]["month" if monthly else "day"]
        out["hoverformat"] = DATE_FORMATS[_lang(lang)]["day"]
    if percent:
        out["tickformat"] = ".0%"
        out["hoverformat"] = ".1%"
    return out


def figure(lang: str, title: str | None = None, height: int | None = None) -> go.Figure:
    return go.Figure(layout=base_layout(lang, title, height))


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "de"
