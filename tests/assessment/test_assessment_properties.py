"""Properties of the scoring rules (hypothesis), on the shipped models."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.loader import load_model
from assessment.scoring import score
from assessment_cases import MODELS

MODEL_NAMES = ["crm_default", "example_foreign", "example_samm_shaped"]
# activity staging counts an unanswered activity as not done, unlike N/A: it joins only the monotony property
MONOTONE = MODEL_NAMES + ["example_activities"]
_models = {name: load_model(MODELS / f"{name}.yaml") for name in MONOTONE}
PEOPLE = ["Anna", "Ben", "Cara"]


@st.composite
def answer_sets(draw, model):
    """A random round: each question answered by some participants, with values or N/A."""
    rows = []
    for q in model.questions():
        for person in draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3)):
            value = draw(st.one_of(st.none(), st.sampled_from(q.values)))
            rows.append((q.id, person, value, value is None))
    return pd.DataFrame(rows, columns=["question_id", "participant", "value", "not_applicable"])


def _all_scores(result) -> dict:
    out = {g.id: g.score for top in result.groups for g in top.walk()}
    out.update({f"q:{q.id}": q.rating for q in result.questions})
    out.update({f"level:{g.id}": g.level for top in result.groups for g in top.walk()})
    out["index"] = result.maturity_index
    out["staged"] = result.staged_level
    return out


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", MONOTONE)
@SETTINGS
@given(data=st.data())
def test_raising_one_answer_never_lowers_any_score(name, data):
    model = _models[name]
    answers = data.draw(answer_sets(model))
    valued = answers.index[~answers["not_applicable"]]
    if len(valued) == 0:
        return
    row = data.draw(st.sampled_from(list(valued)))
    q = model.question(answers.at[row, "question_id"])
    higher = [v for v in q.values if v > answers.at[row, "value"]]
    if not higher:
        return
    raised = answers.copy()
    raised.loc[row, "value"] = data.draw(st.sampled_from(higher))
    before, after = _all_scores(score(model, answers)), _all_scores(score(model, raised))
    for key, old in before.items():
        if old is not None:
            assert after[key] is not None and after[key] >= old - 1e-9, key


@pytest.mark.parametrize("name", MODEL_NAMES)
@SETTINGS
@given(data=st.data())
def test_na_on_a_question_leaves_the_others_unchanged(name, data):
    """Marking every answer to one question N/A scores exactly as if it had never been asked."""
    model = _models[name]
    answers = data.draw(answer_sets(model))
    qid = data.draw(st.sampled_from(model.question_ids))
    na = answers.copy()
    mask = na["question_id"] == qid
    na.loc[mask, "value"] = None
    na.loc[mask, "not_applicable"] = True
    dropped = answers[~mask]
    with_na, without = score(model, na), score(model, dropped)
    assert {k: v for k, v in _all_scores(with_na).items() if k != f"q:{qid}"} == \
        {k: v for k, v in _all_scores(without).items() if k != f"q:{qid}"}
    assert with_na.question(qid).rating is None
    others = [q for q in score(model, answers).questions if q.id != qid]
    assert [q.rating for q in others] == [q.rating for q in with_na.questions if q.id != qid]
