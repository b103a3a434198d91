"""Chart text in German formats (issue 14.9): grouped digits instead of SI suffixes, "3.996 · 100 %"
on the funnel, "45 %" in heatmap cells, an N/A cell left empty."""
from __future__ import annotations

import pandas as pd
import pytest

from charts.bar import bar
from charts.funnel import funnel
from charts.heatmap import heatmap
from charts.line import line

STEPS = pd.DataFrame({"step": ["prospects", "leads", "customers"], "count": [3996.0, 1998.0, 0.0]})


def test_funnel_labels_are_grouped_counts_and_spaced_percent_of_the_previous_step():
    assert list(funnel(STEPS, "de").data[0].text) == ["3.996 · 100 %", "1.998 · 50 %", "0 · 0 %"]
    assert list(funnel(STEPS, "en").data[0].text) == ["3,996 · 100%", "1,998 · 50%", "0 · 0%"]


def test_funnel_after_an_empty_step_shows_a_dash_not_a_division_error():
    steps = pd.DataFrame({"step": ["leads", "customers"], "count": [0.0, 0.0]})
    assert list(funnel(steps, "de").data[0].text) == ["0 · 100 %", "0 · –"]


def test_heatmap_cells_in_german_and_empty_where_not_applicable():
    grid = pd.DataFrame({"q": ["a", "a", "b"], "p": ["x", "y", "x"], "v": [0.456, 1.0, 0.5]})
    fig = heatmap(grid, x="p", y="q", z="v", lang="de", percent=True)
    assert [list(r) for r in fig.data[0].text] == [["46 %", "100 %"], ["50 %", ""]]
    assert fig.data[0].texttemplate == "%{text}"
    plain = heatmap(grid.assign(v=[3.26, 4.0, 2.0]), x="p", y="q", z="v", lang="de")
    assert list(plain.data[0].text[0]) == ["3,3", "4,0"]


@pytest.mark.parametrize("fig", [
    bar(pd.DataFrame({"period": ["2025-Q3", "2025-Q4"], "revenue": [1_000_000.0, 1_400_000.0]}), "period", "revenue", "de"),
    line(pd.DataFrame({"kpi": ["revenue"] * 2, "period": ["2025-01", "2025-02"], "value": [1e6, 1.4e6]}), "de"),
])
def test_value_axes_group_digits_instead_of_si_suffixes(fig):
    axis = fig.layout.yaxis
    assert axis.exponentformat == "none" and axis.separatethousands is True
    assert fig.layout.separators == ",."
