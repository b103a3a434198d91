"""Chart builders: the figure carries exactly the input numbers, labels in the language, German separators."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts.bar import bar
from charts.bullet import bullet, gauge
from charts.funnel import funnel
from charts.heatmap import heatmap
from charts.line import line
from charts.matrix import matrix
from charts.radar import radar
from charts.sparkline import sparkline
from charts.theme import PALETTE, STATUS_COLOURS, base_layout, label, status_colour

STEPS = pd.DataFrame({"step": ["prospects", "leads", "opportunities", "customers", "repeat_customers"],
                      "count": [5.0, 3.0, 5.0, 4.0, 2.0]})
KPIS = pd.DataFrame({"kpi": ["win_rate", "win_rate", "churn_rate", "churn_rate"],
                     "period": ["2024-02", "2024-01", "2024-01", "2024-02"], "value": [0.5, 1.0, 0.2, 0.25]})
COHORTS = pd.DataFrame({"cohort": ["2024-01", "2024-01", "2024-02"], "months_since": [0, 1, 0],
                        "retention": [1.0, 0.5, 1.0]})
SALES = pd.DataFrame({"period": ["2024-01", "2024-01", "2024-02"], "channel": ["mail", "web", "web"],
                      "revenue": [140.0, 100.0, 350.0]})
MATURITY = pd.DataFrame({"domain": ["strategy", "sales", "service"], "current": [2.0, 3.5, 4.0],
                         "target": [4.0, 4.0, 4.5], "previous": [1.5, 3.0, 4.0]})
SEGMENTS = pd.DataFrame({"segment": ["A", "A", "B"], "channel": ["mail", "web", "web"],
                         "response_rate": [0.3333, 0.0, 1.0], "contacts": [3.0, 1.0, 2.0]})


def _figures(lang: str) -> dict[str, go.Figure]:
    return {
        "funnel": funnel(STEPS, lang),
        "line": line(KPIS, lang, percent=True),
        "heatmap": heatmap(COHORTS, "months_since", "cohort", "retention", lang, percent=True),
        "bar": bar(SALES, "period", "revenue", lang, stack="channel"),
        "radar": radar(MATURITY, lang),
        "sparkline": sparkline([1.0, 2.0, 3.0], lang=lang),
        "bullet": bullet(0.4, 0.5, lang, percent=True),
        "gauge": gauge(3.2, 4.0, lang),
        "matrix": matrix(SEGMENTS, lang),
    }


@pytest.mark.parametrize("lang, separators", [("de", ",."), ("en", ".,")])
def test_every_chart_uses_the_language_separators(lang, separators):
    for name, fig in _figures(lang).items():
        assert isinstance(fig, go.Figure), name
        assert fig.layout.separators == separators, name
        fig.to_json()  # serialisable, as st.plotly_chart needs


def test_funnel_counts_and_german_step_names():
    fig = funnel(STEPS, "de")
    assert list(fig.data[0].x) == [5.0, 3.0, 5.0, 4.0, 2.0]
    assert list(fig.data[0].y) == ["Interessenten", "Leads", "Verkaufschancen", "Kunden", "Stammkunden"]
    assert list(funnel(STEPS, "en").data[0].y)[-1] == "Repeat customers"


def test_line_one_series_per_kpi_sorted_by_period_with_german_month_ticks():
    fig = line(KPIS, "de", percent=True)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"Abschlussquote", "Abwanderungsquote"}
    win = by_name["Abschlussquote"]
    assert [pd.Timestamp(x).strftime("%Y-%m") for x in win.x] == ["2024-01", "2024-02"]
    assert list(win.y) == [1.0, 0.5]
    assert fig.layout.xaxis.tickformat == "%m.%Y"
    assert fig.layout.yaxis.tickformat == ".0%"
    assert line(KPIS, "en").layout.xaxis.tickformat == "%Y-%m"


def test_line_keeps_quarter_labels_as_categories():
    quarters = pd.DataFrame({"kpi": ["nps", "nps"], "period": ["2024-Q2", "2024-Q1"], "value": [30.0, 20.0]})
    fig = line(quarters, "de")
    assert list(fig.data[0].x) == ["2024-Q1", "2024-Q2"] and list(fig.data[0].y) == [20.0, 30.0]


def test_line_dates_get_german_day_format():
    days = pd.DataFrame({"day": pd.to_datetime(["2024-03-01", "2024-03-02"]), "value": [1.0, 2.0]})
    fig = line(days, "de", x="day", series=None)
    assert fig.layout.xaxis.tickformat == "%d.%m.%Y"


def test_heatmap_pivots_cohorts():
    fig = heatmap(COHORTS, "months_since", "cohort", "retention", "de", percent=True)
    trace = fig.data[0]
    assert list(trace.y) == ["2024-01", "2024-02"] and list(trace.x) == ["0", "1"]
    assert trace.z[0] == (1.0, 0.5) or list(trace.z[0]) == [1.0, 0.5]
    assert trace.z[1][0] == 1.0 and math.isnan(trace.z[1][1])


def test_heatmap_questions_by_participants():
    votes = pd.DataFrame({"question": ["q1", "q1", "q2"], "participant": ["Anna", "Ben", "Anna"], "level": [3, 4, 2]})
    trace = heatmap(votes, "participant", "question", "level", "de", zmin=1, zmax=5).data[0]
    assert list(trace.x) == ["Anna", "Ben"] and trace.z[0][1] == 4.0 and trace.zmax == 5


def test_bar_stacks_one_trace_per_channel():
    fig = bar(SALES, "period", "revenue", "de", stack="channel")
    assert fig.layout.barmode == "stack"
    assert {t.name: (list(t.x), list(t.y)) for t in fig.data} == {
        label("mail", "de"): (["2024-01"], [140.0]), label("web", "de"): (["2024-01", "2024-02"], [100.0, 350.0])}
    horizontal = bar(SALES, "channel", "revenue", "en", stacked=False, horizontal=True)
    assert horizontal.layout.barmode == "group" and list(horizontal.data[0].x) == [140.0, 100.0, 350.0]


def test_radar_closes_each_polygon_and_labels_series():
    fig = radar(MATURITY, "de")
    assert [t.name for t in fig.data] == ["Aktuell", "Ziel", "Vorrunde"]
    current = fig.data[0]
    assert list(current.r) == [2.0, 3.5, 4.0, 2.0]
    assert list(current.theta) == ["strategy", "sales", "service", "strategy"]
    assert fig.layout.polar.radialaxis.range == (0, 5.0)
    assert len(radar(MATURITY.drop(columns="previous"), "en").data) == 2


def test_sparkline_marks_the_last_value_in_its_status_colour():
    fig = sparkline([0.1, None, 0.3], ["2024-01", "2024-02", "2024-03"], status="red")
    assert list(fig.data[0].y)[0] == 0.1 and math.isnan(list(fig.data[0].y)[1])
    assert list(fig.data[1].y) == [0.3] and fig.data[1].marker.color == STATUS_COLOURS["red"]
    assert fig.layout.height == 60


def test_bullet_and_gauge_show_actual_against_target():
    fig = bullet(0.4, 0.5, "de", status="amber", percent=True)
    trace = fig.data[0]
    assert trace.value == 0.4 and trace.gauge.threshold.value == 0.5 and trace.delta.reference == 0.5
    assert trace.gauge.shape == "bullet" and trace.gauge.bar.color == STATUS_COLOURS["amber"]
    dial = gauge(None, None, "en").data[0]
    assert dial.gauge.shape == "angular" and math.isnan(dial.value) and dial.mode == "number+gauge"


def test_matrix_places_segments_by_channel_coloured_by_rate():
    trace = matrix(SEGMENTS, "de").data[0]
    assert list(trace.x) == ["mail", "web", "web"] and list(trace.y) == ["A", "A", "B"]
    assert list(trace.marker.color) == [0.3333, 0.0, 1.0]
    sizes = list(trace.marker.size)
    assert sizes[0] == max(sizes) and sizes[1] == min(sizes)  # area follows contacts


def test_theme_helpers():
    assert status_colour("green") == STATUS_COLOURS["green"] and status_colour("purple") == STATUS_COLOURS["grey"]
    assert label("repeat_customers", "en") == "Repeat customers" and label("no_such_column", "de") == "no_such_column"
    layout = base_layout("de", title="Titel")
    assert layout["separators"] == ",." and layout["title"]["text"] == "Titel" and layout["colorway"] == list(PALETTE)


def test_empty_frames_give_empty_figures():
    empty = pd.DataFrame({"step": [], "count": []})
    assert len(funnel(empty, "de").data[0].x or ()) == 0
    assert heatmap(COHORTS.iloc[0:0], "months_since", "cohort", "retention", "de").data[0].z in (None, ())
    assert len(line(KPIS.iloc[0:0], "de").data) == 0


def test_heatmap_marks_not_applicable_and_leaves_no_answer_empty():
    """Issue 14.10: Ben said N/A to q1 ("k. A." in the cell), Anna has not answered q2 (empty)."""
    votes = pd.DataFrame({"question": ["q1", "q1", "q2"], "participant": ["Anna", "Ben", "Ben"],
                          "level": [3.0, float("nan"), 2.0], "note": ["", "k. A.", ""]})
    trace = heatmap(votes, "participant", "question", "level", "de", zmin=1, zmax=5, note="note").data[0]
    assert [list(r) for r in trace.text] == [["3,0", "k. A."], ["", "2,0"]]
