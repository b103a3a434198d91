"""Scorecard definitions: the shipped default loads; broken snippets give located messages."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from core.errors import ConfigError, InputError
from core.query import Granularity
from kpis.catalogue import load_catalogue
from scorecards.loader import (SCORECARDS_DIR, find_scorecard, list_scorecards, load_scorecard, parse_scorecard,
                               to_yaml)
from scorecards.model import STANDARD_PERSPECTIVES, Direction, Source

# the KPI catalogue of PRODUCT.md (ids are part of the file contract)
CATALOGUE_IDS = {
    "campaign_response_rate", "campaign_conversion_rate", "cost_per_response", "products_sold", "revenue",
    "win_rate", "average_deal_size", "sales_cycle_days", "new_customers", "churn_rate", "win_back_rate",
    "repeat_purchase_rate", "cross_sell_rate", "revenue_per_customer", "customer_lifetime_value",
    "complaint_resolution_hours", "first_contact_resolution_rate", "nps", "csat", "data_completeness",
    "maturity_index"}
DEFAULT = SCORECARDS_DIR / "crm_default.yaml"
ERRORS = yaml.safe_load((Path(__file__).parent / "cases" / "loader_errors.yaml").read_text(encoding="utf-8"))


def test_default_scorecard_loads_against_the_catalogue():
    card = load_scorecard(DEFAULT, CATALOGUE_IDS)
    assert card.id == "crm_default" and card.granularity is Granularity.QUARTER
    assert tuple(p.id for p in card.perspectives) == STANDARD_PERSPECTIVES
    assert all(card.objectives_of(p) for p in STANDARD_PERSPECTIVES)
    by_kpi = {k.kpi: k for k in card.kpis}
    learning = {k.kpi for o in card.objectives_of("learning_growth") for k in o.kpis}
    assert {"maturity_index", "data_completeness", "training_hours"} <= learning
    assert by_kpi["training_hours"].source is Source.MANUAL and card.manual_kpi("training_hours").unit == "hours"
    expected = {"campaign_response_rate": (0.08, Direction.HIGHER_IS_BETTER),
                "churn_rate": (0.05, Direction.LOWER_IS_BETTER), "nps": (30, Direction.HIGHER_IS_BETTER),
                "complaint_resolution_hours": (48, Direction.LOWER_IS_BETTER),
                "maturity_index": (3.5, Direction.HIGHER_IS_BETTER),
                "data_completeness": (0.9, Direction.HIGHER_IS_BETTER), "win_rate": (0.3, Direction.HIGHER_IS_BETTER)}
    assert {k: (by_kpi[k].target, by_kpi[k].direction) for k in expected} == expected
    assert set(card.engine_kpi_ids) <= CATALOGUE_IDS


def test_default_scorecard_directions_agree_with_the_kpi_catalogue():
    catalogue = load_catalogue()
    directions = {k.id: k.direction.value for k in catalogue}
    assert CATALOGUE_IDS <= set(directions)
    card = load_scorecard(DEFAULT, directions)
    wrong = {k.kpi for k in card.kpis if k.source is Source.ENGINE and k.direction.value != directions[k.kpi]}
    assert wrong == set()


def test_every_shipped_scorecard_loads():
    assert [c.id for c in list_scorecards(SCORECARDS_DIR, CATALOGUE_IDS)] == ["crm_default"]


def test_to_yaml_round_trip_is_equal():
    card = load_scorecard(DEFAULT, CATALOGUE_IDS)
    again = parse_scorecard(to_yaml(card), "edited.yaml", CATALOGUE_IDS)
    assert dataclasses.replace(again, source=card.source) == card


def test_direction_and_thresholds_default_from_the_catalogue_and_target():
    text = """
id: s
name: S
perspectives: [{id: customer, name: Kunden}]
objectives:
  - {id: keep, name: Binden, perspective: customer, kpis: [{kpi: churn_rate, target: 0.05}]}
"""
    card = parse_scorecard(text, "s.yaml", {"churn_rate": "lower_is_better"})
    kpi = card.kpis[0]
    assert kpi.direction is Direction.LOWER_IS_BETTER and not kpi.direction_declared
    assert (kpi.thresholds.green, kpi.thresholds.amber) == (0.05, pytest.approx(0.055))
    assert "direction" not in to_yaml(card) and "thresholds" not in to_yaml(card)
    assert parse_scorecard(to_yaml(card), "s.yaml", {"churn_rate": "lower_is_better"}) == \
        dataclasses.replace(card, source="s.yaml")


def test_feedback_loops_are_allowed():
    text = """
id: s
name: S
perspectives: [{id: financial, name: F}]
objectives:
  - {id: a, name: A, perspective: financial, causes: [b], kpis: [{kpi: revenue, target: 1}]}
  - {id: b, name: B, perspective: financial, causes: [a], kpis: [{kpi: churn_rate, target: 1}]}
"""
    card = parse_scorecard(text, "s.yaml", {"revenue": "higher_is_better", "churn_rate": "lower_is_better"})
    assert [o.causes for o in card.objectives] == [("b",), ("a",)]


@pytest.mark.parametrize("case", ERRORS, ids=[c["name"] for c in ERRORS])
def test_broken_snippets_report_every_problem_with_its_path(case):
    with pytest.raises(ConfigError) as info:
        parse_scorecard(case["yaml"], "snippet.yaml", {"revenue": "higher_is_better", "churn_rate": "lower_is_better"})
    assert sorted(str(p) for p in info.value.problems) == sorted(case["problems"])


def test_not_yaml_names_line_and_column():
    with pytest.raises(ConfigError) as info:
        parse_scorecard("id: s\nname: [unclosed\n", "bad.yaml")
    assert str(info.value.problems[0]).startswith("bad.yaml: line 3, column 1")


def test_find_scorecard_by_id_or_path(tmp_path):
    assert find_scorecard("crm_default", known_kpis=CATALOGUE_IDS).id == "crm_default"
    copy = tmp_path / "mine.yaml"
    copy.write_text(DEFAULT.read_text(encoding="utf-8").replace("id: crm_default", "id: mine"), encoding="utf-8")
    assert find_scorecard(str(copy), known_kpis=CATALOGUE_IDS).id == "mine"
    with pytest.raises(InputError, match="no scorecard 'nope'"):
        find_scorecard("nope", known_kpis=CATALOGUE_IDS)


def test_list_scorecards_collects_problems_of_every_file(tmp_path):
    (tmp_path / "a.yaml").write_text("id: a\nname: A\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: b\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        list_scorecards(tmp_path)
    where = {p.where for p in info.value.problems}
    assert {"a.yaml: perspectives", "a.yaml: objectives", "b.yaml: name", "b.yaml: perspectives"} <= where
