"""The model loader: the shipped models load; broken snippets give located problems (table-driven)."""
from __future__ import annotations

import pytest

from assessment.loader import list_models, load_model, parse_model
from assessment.model import Aggregation
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


def test_list_models_finds_both_sorted_by_id():
    assert [m.id for m in list_models(MODELS)] == ["crm_default", "digital_service_check"]


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
    assert [q.id for q in model.questions()] == ["complaint_process", "complaint_online"]
    assert model.group("complaint_channels").aggregation is Aggregation.SUM
    assert model.value_range == (0, 3)
