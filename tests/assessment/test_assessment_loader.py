"""The model loader: the shipped models load; broken snippets give located problems (table-driven)."""
from __future__ import annotations

import pytest

from assessment.loader import list_models, load_model, parse_model
from assessment.model import Aggregation, Staging, score_range
from assessment_cases import CASES, MODELS
from core.errors import ConfigError
from core.yamlio import load_yaml


def test_default_model_covers_the_nine_domains(default_model):
    assert [g.id for g in default_model.top_groups] == [
        "strategy", "marketing", "sales", "service", "analytics", "data_quality", "multichannel", "organisation",
        "technology"]
    for domain in default_model.top_groups:
        assert 3 <= len(list(domain.iter_questions())) <= 5, domain.id
    assert [lv.name.en for lv in default_model.levels] == [
        "Initial", "Managed", "Defined", "Quantitatively managed", "Optimizing"]


def test_every_default_question_has_five_observable_answers_in_both_languages(default_model):
    for q in default_model.questions():
        assert q.values == (1, 2, 3, 4, 5), q.id
        texts = [o.text for o in q.options]
        assert all(t.de.strip() and t.en.strip() for t in texts), q.id
        assert len({t.de for t in texts}) == 5, q.id
        assert q.help.de and q.help.en and q.evidence.de and q.evidence.en, q.id


def test_default_model_has_a_three_level_tree(default_model):
    assert [g.id for g in default_model.parents("sales_forecast")] == ["sales", "sales_pipeline"]
    assert default_model.domain_of("sales_forecast").id == "sales"
    assert default_model.question("sales_forecast").options[4].label.de == "Optimierend"


def test_foreign_model(foreign_model):
    assert foreign_model.group("faq").aggregation is Aggregation.SUM
    assert foreign_model.group("routing").aggregation is Aggregation.MIN
    assert foreign_model.question("portal_status").values == (0, 0.25, 0.5, 1)
    assert foreign_model.question("faq_feedback").not_applicable_allowed is False
    assert [lv.threshold for lv in foreign_model.levels] == [0, 0.5, 0.8]
    assert foreign_model.discuss_spread == 0.5
    assert [g.id for g in foreign_model.parents("faq_search")] == ["self_service", "faq"]


def test_list_models_finds_all_shipped_sorted_by_id():
    assert [m.id for m in list_models(MODELS)] == [
        "crm_default", "devsecops_activities_example", "digital_service_check", "samm_shaped_example"]


def test_samm_shaped_model_scores_practices_0_to_3_with_thresholds_1_to_3():
    model = load_model(MODELS / "example_samm_shaped.yaml")
    assert [(lv.number, lv.threshold) for lv in model.levels] == [(0, 0), (1, 1), (2, 2), (3, 3)]
    assert model.value_range == (0, 1)        # the answers
    assert model.score_range == (0, 3)        # what a business function can score
    assert score_range(model.group("planning")) == (0, 3)      # sum of three level means
    assert score_range(model.group("planning_l2")) == (0, 1)   # mean of two streams
    assert [g.aggregation for g in model.group("governance").groups] == [Aggregation.SUM, Aggregation.SUM]
    assert model.staging is Staging.THRESHOLDS


def test_a_threshold_above_the_attainable_range_names_the_group_and_its_range():
    text = (MODELS / "example_samm_shaped.yaml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        parse_model(text.replace("threshold: 3}", "threshold: 3.5}"), "samm.yaml")
    assert [str(p) for p in info.value.problems] == [
        "samm.yaml: levels[3].threshold: 3.5 is above what group 'governance' (0..3, mean), 'verification' "
        "(0..3, mean) can score, so level 3 can never be reached (thresholds are on the domain score scale: "
        "a `sum` adds its children's ranges, a mean keeps them)"]


def test_activity_model_has_levels_per_question_and_no_thresholds():
    model = load_model(MODELS / "example_activities.yaml")
    assert model.staging is Staging.ACTIVITIES and model.done_at is None
    assert [(lv.number, lv.threshold) for lv in model.levels] == [(0, None), (1, None), (2, None), (3, None)]
    assert [(q.id, q.level) for q in model.group("build").questions] == [
        ("build_scripted", 1), ("build_pinned", 1), ("build_signed", 2), ("build_reproducible", 3)]


@pytest.mark.parametrize("aggregation,weights,expected", [
    ("sum", (1, 1, 1), (1.5, 8.0)),            # (1..5) + (0..1) + (0.5..2)
    ("mean", (1, 1, 1), (0.5, 8 / 3)),         # the same bounds, averaged
    ("weighted_mean", (2, 1, 1), (0.625, 3.25)),   # (2*1 + 0 + 0.5) / 4, (2*5 + 1 + 2) / 4
    ("min", (1, 1, 1), (0.0, 1.0)),
    ("median", (1, 1, 1), (0.5, 2.0)),
])
def test_attainable_range_follows_the_aggregation(aggregation, weights, expected):
    def q(qid, values, weight):
        opts = ", ".join(f"{{value: {v}, text: t{v}}}" for v in values)
        return f"{{id: {qid}, text: Q, weight: {weight}, options: [{opts}]}}"
    text = (f"id: m\nname: M\nversion: '1'\nlevels: [{{level: 1, name: L, threshold: {expected[0]}}}]\n"
            f"groups:\n  - id: d\n    name: D\n    aggregation: {aggregation}\n    questions:\n"
            f"      - {q('a', (1, 3, 5), weights[0])}\n      - {q('b', (0, 1), weights[1])}\n"
            f"      - {q('c', (0.5, 2), weights[2])}\n")
    model = parse_model(text, "m.yaml")
    assert score_range(model.group("d")) == pytest.approx(expected)


def test_model_hash_is_stable_and_changes_with_content():
    text = (MODELS / "example_foreign.yaml").read_text(encoding="utf-8")
    a, b = parse_model(text, "x.yaml"), parse_model(text, "y.yaml")
    changed = parse_model(text.replace("weight: 2", "weight: 3"), "x.yaml")
    assert a.model_hash == b.model_hash != changed.model_hash


def test_lookup_of_unknown_ids_raises_key_error(default_model):
    with pytest.raises(KeyError):
        default_model.question("strategy")  # a group, not a question
    with pytest.raises(KeyError):
        default_model.group("nope")


@pytest.mark.parametrize("case", [pytest.param(c, id=c["name"]) for c in load_yaml(CASES / "broken_models.yaml")])
def test_broken_model_reports_every_problem_with_its_path(case):
    with pytest.raises(ConfigError) as info:
        parse_model(case["model"], "m.yaml")
    lines = [str(p) for p in info.value.problems]
    for expected in case["problems"]:
        assert any(expected in line for line in lines), f"{expected!r} not in {lines}"
    assert len(lines) == len(case["problems"]), lines


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_model(tmp_path / "nope.yaml")


def test_the_documented_example_is_a_valid_model():
    import re

    doc = (MODELS.parent.parent / "docs" / "maturity-models.md").read_text(encoding="utf-8")
    model = parse_model(re.search(r"```yaml\n(.*?)```", doc, re.S).group(1), "doc.yaml")
    assert [q.id for q in model.questions()] == ["complaint_process", "complaint_online", "complaint_phone"]
    assert model.group("complaint_channels").aggregation is Aggregation.SUM
    assert model.value_range == (0, 2)
    assert score_range(model.group("complaint_channels")) == (0, 2)   # two 0..1 questions summed
    assert [lv.threshold for lv in model.levels] == [0, 1, 2]
    assert model.question("complaint_phone").options == model.question("complaint_online").options  # an anchor


def test_a_model_of_194_questions_sharing_one_anchored_options_list_loads(tmp_path):
    # the shape of a converted foreign catalogue: one options list, 193 references to it
    questions = "".join(
        f"      - id: q{i}\n        text: {{de: Frage {i}, en: Question {i}}}\n"
        + ("        options: &opts\n" + "".join(
            f"          - {{value: {v}, text: {{de: D{v}, en: E{v}}}}}\n" for v in (0, 0.25, 0.5, 1))
           if i == 0 else "        options: *opts\n")
        for i in range(194))
    path = tmp_path / "big.yaml"
    path.write_text("id: big\nname: Big\nversion: '1'\nlevels: [{level: 1, name: L, threshold: 0}]\n"
                    f"groups:\n  - id: all\n    name: All\n    questions:\n{questions}", encoding="utf-8")
    model = load_model(path)
    assert len(model.question_ids) == 194
    assert model.question("q193").values == (0, 0.25, 0.5, 1)
