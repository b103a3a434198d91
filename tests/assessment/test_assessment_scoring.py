"""Scoring against the hand-computed worked examples in cases/scoring.yaml."""
from __future__ import annotations

import pandas as pd
import pytest

from assessment.loader import load_model
from assessment.model import Aggregation
from assessment.roadmap import compare
from assessment.scoring import aggregate, score
from assessment_cases import MODELS, answers_frame, scoring_cases


def _score(case):
    model = load_model(MODELS / f"{case['model']}.yaml")
    ratings = None
    if case.get("ratings"):
        ratings = pd.DataFrame({"question_id": list(case["ratings"]), "value": list(case["ratings"].values()),
                                "not_applicable": False})
    return score(model, answers_frame(case["answers"]), ratings, case.get("aggregation", "median"),
                 case.get("targets"))


@pytest.mark.parametrize("case", scoring_cases())
def test_worked_example(case):
    result = _score(case)
    check_expectations(result, case["expect"])


def check_expectations(result, expect):
    """Shared by the CLI test: ``result`` is an AssessmentResult."""
    approx = lambda v: None if v is None else pytest.approx(v, abs=1e-6)  # noqa: E731
    for qid, want in expect.get("questions", {}).items():
        q = result.question(qid)
        got = {k: getattr(q, k) for k in want}
        assert got == {k: approx(v) if k != "discuss" else v for k, v in want.items()}, qid
    for gid, want in expect.get("groups", {}).items():
        assert result.group(gid).score == approx(want), gid
    for gid, want in expect.get("levels", {}).items():
        assert result.group(gid).level == want, gid
    for gid, (answered, na) in expect.get("counts", {}).items():
        assert (result.group(gid).answered, result.group(gid).not_applicable) == (answered, na), gid
    if "maturity_index" in expect:
        assert result.maturity_index == approx(expect["maturity_index"])
    if "staged_level" in expect:
        assert result.staged_level == expect["staged_level"]
        assert result.explanation.staged_level == expect["staged_level"]
    if "capped_by" in expect:
        assert {c.domain_id: c.missing for c in result.explanation.caps} == \
            {k: approx(v) for k, v in expect["capped_by"].items()}
    if "open" in expect:
        assert {c.domain_id: list(c.open) for c in result.explanation.caps} == expect["open"]
    if "explanation_en" in expect:
        assert result.explanation.text("en") == expect["explanation_en"]
    if "gaps" in expect:
        assert {g.domain_id: [g.gap, g.priority] for g in result.gaps} == \
            {k: [approx(a), approx(b)] for k, (a, b) in expect["gaps"].items()}
    if "roadmap" in expect:
        assert [[r.domain_id, r.question_id, r.next_value] for r in result.roadmap] == expect["roadmap"]


def test_roadmap_text_is_the_next_levels_answer(default_model):
    result = score(default_model, answers_frame("sales_activity Anna 2"), targets={"sales": 4})
    (item,) = result.roadmap
    assert item.text == default_model.question("sales_activity").options[2].text  # level 3 text
    assert item.text.en.startswith("All sales staff document activities")


def test_explanation_names_the_capping_domain_in_both_languages(default_model):
    result = score(default_model, answers_frame("strategy_goals A 4\nservice_ticketing A 2"))
    assert result.explanation.text("de").startswith("Stufe 2, weil für Stufe 3")
    assert "Service (2,00, fehlt 1,00)" in result.explanation.text("de")
    assert "Service (2.00, 1.00 short)" in result.explanation.text("en")


def test_highest_level_reached_has_no_cap(default_model):
    result = score(default_model, answers_frame("strategy_goals A 5"))
    assert (result.staged_level, result.explanation.next_level, result.explanation.caps) == (5, None, ())


def test_no_answers_gives_no_scores(default_model):
    result = score(default_model, answers_frame("strategy_goals A n/a"))
    assert (result.maturity_index, result.staged_level) == (None, None)
    assert result.to_dict()["explanation"]["text"] == "No ratings yet."


def test_consensus_not_applicable_excludes_the_question(default_model):
    ratings = pd.DataFrame({"question_id": ["strategy_goals"], "value": [None], "not_applicable": [True]})
    result = score(default_model, answers_frame("strategy_goals A 1\nstrategy_voice A 4"), ratings)
    assert result.group("strategy").score == 4
    assert (result.group("strategy").answered, result.group("strategy").not_applicable) == (1, 1)


@pytest.mark.parametrize("rule,scores,weights,expected", [
    (Aggregation.WEIGHTED_MEAN, [2, 4], [1, 3], 3.5),
    (Aggregation.MEAN, [2, 4], [1, 3], 3.0),
    (Aggregation.SUM, [0.25, 0.5], [1, 1], 0.75),
    (Aggregation.MIN, [3, 1.5, 4], [1, 1, 1], 1.5),
    (Aggregation.MEDIAN, [1, 2, 4, 5], [1, 1, 1, 1], 3.0),
    (Aggregation.WEIGHTED_MEAN, [], [], None),
])
def test_aggregation_rules(rule, scores, weights, expected):
    assert aggregate(rule, scores, weights) == expected


def test_compare_rounds_gives_domain_deltas(default_model):
    before = score(default_model, answers_frame("strategy_goals A 2\nsales_activity A 3"))
    after = score(default_model, answers_frame("strategy_goals A 4\nsales_activity A 3\ntech_mobile A 2"))
    diff = compare(before, after)
    deltas = {d.domain_id: d.delta for d in diff.domains}
    assert deltas["strategy"] == 2 and deltas["sales"] == 0 and deltas["technology"] is None
    assert diff.staged_level_delta == 0
    assert diff.maturity_index_delta == pytest.approx((1.5 * 4 + 3 + 2) / 3.5 - (1.5 * 2 + 3) / 2.5)


def test_unknown_target_domain_is_an_input_error(default_model):
    from core.errors import InputError

    with pytest.raises(InputError, match="unknown domains"):
        score(default_model, answers_frame("strategy_goals A 2"), targets={"nonsense": 3})


def test_to_dict_has_the_contract_keys(default_model):
    d = score(default_model, answers_frame("sales_activity A 2"), targets={"sales": 3}).to_dict()
    assert set(d) == {"model", "maturity_index", "staged_level", "groups", "questions", "explanation", "gaps",
                      "roadmap"}
    assert set(d["groups"][0]) == {"id", "score", "level", "answered", "not_applicable", "children"}
    assert {"id", "rating", "spread", "discuss", "answers"} <= set(d["questions"][0])
    sales = next(g for g in d["groups"] if g["id"] == "sales")
    assert [c["id"] for c in sales["children"]] == ["sales_automation", "sales_pipeline"]


def test_done_at_lets_a_partly_done_activity_count():
    from assessment.loader import parse_model

    text = """
id: m
name: M
version: "1"
staging: activities
done_at: 0.5
levels: [{level: 0, name: L0}, {level: 1, name: L1}, {level: 2, name: L2}]
groups:
  - id: d
    name: D
    questions:
      - {id: a, level: 1, text: A, options: &o [{value: 0, text: x}, {value: 0.5, text: y}, {value: 1, text: z}]}
      - {id: b, level: 2, text: B, options: *o}
"""
    model = parse_model(text, "m.yaml")
    result = score(model, answers_frame("a Anna 0.5\nb Anna 0"))
    assert (result.staged_level, result.group("d").level) == (1, 1)     # a is done at 0.5, b is not
    assert result.to_dict()["explanation"]["capped_by"] == [
        {"domain": "d", "score": 0.25, "threshold": 2.0, "missing": 1.0, "open": ["b"]}]
