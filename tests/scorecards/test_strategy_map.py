"""The strategy map as data (rows, nodes, edges, statuses) and its plotly figure."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from scorecards.evaluation import evaluate
from scorecards.loader import SCORECARDS_DIR, load_scorecard, parse_scorecard
from scorecards.strategy_map import strategy_map

ROLLUP = yaml.safe_load((Path(__file__).parent / "cases" / "rollup.yaml").read_text(encoding="utf-8"))
CARD = parse_scorecard(ROLLUP["scorecard"], "rollup.yaml")


def test_nodes_sit_in_their_perspective_row_and_edges_follow_causes():
    smap = strategy_map(CARD)
    assert [(n.id, n.row, n.column, n.columns) for n in smap.nodes] == [
        ("grow", 0, 0, 2), ("save", 0, 1, 2), ("keep", 1, 0, 1), ("learn", 2, 0, 1)]
    assert [(e.source, e.target, e.loop) for e in smap.edges] == [
        ("keep", "grow", False), ("learn", "keep", False), ("learn", "save", False)]
    assert {n.status.value for n in smap.nodes} == {"grey"}  # no evaluation: grey, never green


def test_statuses_come_from_the_evaluation():
    actuals = pd.DataFrame({"kpi": ["revenue", "churn_rate"], "period": ["2024-Q1"] * 2, "value": [100.0, 0.08]})
    smap = strategy_map(CARD, evaluate(CARD, actuals, "2024-Q1"))
    assert {n.id: n.status.value for n in smap.nodes} == {"grow": "green", "save": "grey", "keep": "red",
                                                          "learn": "grey"}
    assert smap.node("grow").score == 1.0
    assert [(r.perspective, r.status.value) for r in smap.rows] == [
        ("financial", "green"), ("customer", "red"), ("learning_growth", "grey")]


def test_feedback_loops_are_marked():
    text = """
id: loop
name: Loop
perspectives: [{id: financial, name: F}, {id: customer, name: C}]
objectives:
  - {id: grow, name: G, perspective: financial, causes: [keep], kpis: [{kpi: revenue, target: 1}]}
  - {id: keep, name: K, perspective: customer, causes: [serve], kpis: [{kpi: nps, target: 1}]}
  - {id: serve, name: S, perspective: customer, causes: [grow, save], kpis: [{kpi: csat, target: 1}]}
  - {id: save, name: V, perspective: financial, kpis: [{kpi: churn_rate, target: 1}]}
"""
    known = {"revenue": "higher_is_better", "nps": "higher_is_better", "csat": "higher_is_better",
             "churn_rate": "lower_is_better"}
    smap = strategy_map(parse_scorecard(text, "loop.yaml", known))
    assert [(e.source, e.target, e.loop) for e in smap.edges] == [
        ("grow", "keep", True), ("keep", "serve", True), ("serve", "grow", True), ("serve", "save", False)]


def test_figure_has_one_box_per_objective_and_one_arrow_per_link():
    from charts.strategy_map import strategy_map as chart

    card = load_scorecard(SCORECARDS_DIR / "crm_default.yaml")
    data = strategy_map(card).to_dict()
    fig = chart(data, lang="de")
    points = fig.data[0]
    assert [c[0] for c in points.customdata] == [o.id for o in card.objectives]
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == sum(len(o.causes) for o in card.objectives)
    assert len(fig.data) == 2  # the nodes, and one elbow line: market_efficiently -> grow_revenue skips a box
    assert list(fig.data[1].x) == [fig.data[0].x[2], fig.data[0].x[2], fig.data[0].x[0]]
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == len(card.perspectives) + len(card.objectives)
    assert "Finanzen" in " ".join(a.text for a in fig.layout.annotations)
