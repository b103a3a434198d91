"""services.workshop: the live round's numbers (hand-computed), vote validation, consensus conflicts,
round comparison and the anonymised benchmark; services.demo_assessment: the demo rounds."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from assessment.loader import parse_model
from core.errors import ConflictError, InputError
from core.settings import CONFIG_DIR
from services import round_state, workshop
from storage import assessments as repo

MODEL = """
id: mini
version: "1"
name: {de: Mini, en: Mini}
scale:
  - {value: 1, label: Initial}
  - {value: 2, label: Gemanagt}
  - {value: 3, label: Definiert}
  - {value: 4, label: Gesteuert}
  - {value: 5, label: Optimierend}
discuss_spread: 2
groups:
  - id: sales
    name: Vertrieb
    questions:
      - {id: forecast, text: "Forecast?", answers: [a, b, c, d, e]}
      - {id: leads, text: "Leads?", answers: [a, b, c, d, e]}
  - id: service
    name: Service
    questions:
      - {id: tickets, text: "Tickets?", not_applicable_allowed: false, answers: [a, b, c, d, e]}
"""

# Worked example a CRM manager can check by hand. Votes: participant -> answer (n/a = not applicable).
#   forecast: 2, 3, 4      -> 3 votes, median 3, mean 3, spread 4-2 = 2 -> discuss
#   leads:    1, n/a, 2    -> 2 votes + 1 N/A, median 1.5, mean 1.5, spread 1 -> no discussion
#   tickets:  nobody       -> 0 votes, median/mean/spread empty, no discussion
CASES = yaml.safe_load("""
- question: forecast
  votes: 3
  not_applicable: 0
  median: 3.0
  mean: 3.0
  spread: 2.0
  discuss: true
  distribution: {1: 0, 2: 1, 3: 1, 4: 1, 5: 0}
- question: leads
  votes: 2
  not_applicable: 1
  median: 1.5
  mean: 1.5
  spread: 1.0
  discuss: false
  distribution: {1: 1, 2: 1, 3: 0, 4: 0, 5: 0}
- question: tickets
  votes: 0
  not_applicable: 0
  median: null
  mean: null
  spread: null
  discuss: false
  distribution: {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
""")
VOTES = {"Anna": {"forecast": 2, "leads": 1},
         "Ben": {"forecast": 3, "leads": "n/a"},
         "Cem": {"forecast": 4, "leads": 2}}


@pytest.fixture
def mini():
    return parse_model(MODEL, "mini.yaml")


@pytest.fixture
def mini_round(engine, client, mini):
    rnd = repo.create_round(engine, client.id, "Mini-Workshop", mini)
    people = {name: repo.add_participant(engine, client.id, rnd.id, name) for name in VOTES}
    for name, answers in VOTES.items():
        for qid, answer in answers.items():
            workshop.vote(engine, people[name], mini, qid, None if answer == "n/a" else answer, answer == "n/a")
    return rnd, people


@pytest.mark.parametrize("case", CASES, ids=[c["question"] for c in CASES])
def test_round_state_numbers(engine, client, mini, mini_round, case):
    state = round_state.round_state(engine, client.id, mini_round[0].id, mini)
    row = state.question_row(case["question"])
    assert (row["votes"], row["not_applicable"], row["discuss"]) == (case["votes"], case["not_applicable"],
                                                                      case["discuss"])
    for key in ("median", "mean", "spread"):
        assert (pd.isna(row[key]) if case[key] is None else row[key] == pytest.approx(case[key])), key
    dist = state.distribution[state.distribution["question_id"] == case["question"]]
    assert dict(zip(dist["value"].astype(int), dist["count"])) == case["distribution"]


def test_round_state_starts_at_first_question_and_counts_participants(engine, client, mini, mini_round):
    state = round_state.round_state(engine, client.id, mini_round[0].id, mini)
    assert (state.current_question_id, state.position, len(state.participants)) == ("forecast", 1, 3)
    assert workshop.move(engine, client.id, mini_round[0].id, mini, "forecast", 5) == "tickets"  # clamped
    assert round_state.round_state(engine, client.id, mini_round[0].id, mini).position == 3


@pytest.mark.parametrize("qid, value, na, message", [
    ("nope", 3, False, "unknown question id"),
    ("forecast", 2.5, False, "2.5 is not one of [1.0, 2.0, 3.0, 4.0, 5.0]"),
    ("forecast", 6, False, "6 is not one of"),
    ("forecast", None, False, "None is not one of"),
    ("tickets", None, True, "not applicable is not allowed"),
])
def test_validate_vote_rejects(mini, qid, value, na, message):
    with pytest.raises(InputError) as err:
        workshop.validate_vote(mini, qid, value, na)
    assert message in err.value.describe()


@pytest.mark.parametrize("qid, value, na", [("forecast", 1, False), ("forecast", 5.0, False), ("leads", None, True)])
def test_validate_vote_accepts(mini, qid, value, na):
    workshop.validate_vote(mini, qid, value, na)


def test_a_second_vote_replaces_the_first(engine, client, mini, mini_round):
    rnd, people = mini_round
    workshop.vote(engine, people["Anna"], mini, "forecast", 5)
    votes = repo.votes_frame(engine, client.id, rnd.id)
    anna = votes[(votes["participant"] == "Anna") & (votes["question_id"] == "forecast")]
    assert anna["value"].tolist() == [5.0]


def test_consensus_with_a_stale_version_is_a_conflict_showing_the_current_value(engine, client, mini, mini_round):
    rid = mini_round[0].id
    v1 = workshop.set_consensus(engine, client.id, rid, mini, "forecast", 3, rationale="Mehrheit")
    workshop.set_consensus(engine, client.id, rid, mini, "forecast", 4, expected_version=v1)  # another device
    with pytest.raises(ConflictError) as err:
        workshop.set_consensus(engine, client.id, rid, mini, "forecast", 2, expected_version=v1)
    assert err.value.current["value"] == 4.0
    row = round_state.round_state(engine, client.id, rid, mini).question_row("forecast")
    assert (row["consensus"], row["version"]) == (4.0, 2)


def test_target_outside_the_scale_or_domain_is_refused(engine, client, mini, mini_round):
    rid = mini_round[0].id
    with pytest.raises(InputError, match="outside the scale"):
        workshop.set_target(engine, client.id, rid, mini, "sales", 6)
    with pytest.raises(InputError, match="not a domain"):
        workshop.set_target(engine, client.id, rid, mini, "forecast", 3)


def _rate_all(engine, client_id, rnd, model, value):
    for qid in model.question_ids:
        repo.set_rating(engine, client_id, rnd.id, qid, value)


def test_result_previous_round_and_history(engine, client):
    model = workshop.model_by_id("crm_default")
    first = workshop.start_round(engine, client.id, "crm_default", "2024", ["A"])
    _rate_all(engine, client.id, first, model, 2)
    second = workshop.start_round(engine, client.id, "crm_default", "2025", ["A"])
    _rate_all(engine, client.id, second, model, 3)
    workshop.set_target(engine, client.id, second.id, model, "sales", 4)
    res = workshop.result(engine, client.id, second.id)
    assert (res.maturity_index, res.staged_level) == (pytest.approx(3.0), 3)
    assert [(g.domain_id, g.gap) for g in res.gaps] == [("sales", pytest.approx(1.0))]
    before, prev = workshop.previous_result(engine, client.id, second.id)
    assert (before.name, prev.maturity_index) == ("2024", pytest.approx(2.0))
    assert workshop.previous_result(engine, client.id, first.id) is None
    assert workshop.history(engine, client.id, second.id)["maturity_index"].tolist() == pytest.approx([2.0, 3.0])


def test_benchmark_is_anonymous_and_needs_another_client(engine, client):
    from storage.clients import create_client

    model = workshop.model_by_id("crm_default")
    mine = workshop.start_round(engine, client.id, "crm_default", "Eigene Runde", [])
    _rate_all(engine, client.id, mine, model, 2)
    assert workshop.benchmark(engine, "crm_default", client.id) is None  # nobody to compare with
    other = create_client(engine, "Geheim Holding AG")
    theirs = workshop.start_round(engine, other.id, "crm_default", "Runde der anderen", [])
    _rate_all(engine, other.id, theirs, model, 4)
    # one other client only: its scores could be read back from the average, so no benchmark yet
    assert workshop.benchmark(engine, "crm_default", client.id) is None
    third = create_client(engine, "Dritte KG")
    _rate_all(engine, third.id, workshop.start_round(engine, third.id, "crm_default", "Runde 3", []), model, 3)
    bench = workshop.benchmark(engine, "crm_default", client.id)
    assert list(bench.columns) == ["domain_id", "average", "clients"]
    assert bench["average"].tolist() == pytest.approx([3.0] * len(model.top_groups))  # (2 + 4 + 3) / 3
    assert bench["clients"].tolist() == [3] * len(model.top_groups)
    shown = bench.to_csv()
    assert "Geheim" not in shown and "Runde der anderen" not in shown
    assert str(other.id) not in bench["domain_id"].tolist()


def test_demo_rounds(engine, client):
    from services.demo_assessment import seed_demo_rounds

    seed_demo_rounds(engine, client.id, seed=7)
    rounds = repo.list_rounds(engine, client.id)
    assert [(r.name, r.status) for r in rounds] == [("Workshop 2025", "open"), ("Workshop 2024", "closed")]
    old, new = (round_state.round_state(engine, client.id, r.id) for r in reversed(rounds))
    assert len(old.participants) == 4 and len(old.ratings) == len(old.model.question_ids)
    assert new.ratings.empty and new.questions["discuss"].any() and old.questions["not_applicable"].sum() >= 1
    assert set(t.target for t in new.targets.values()) <= {3.0, 4.0} and len(new.targets) == 9
    # the same seed gives the same votes
    from storage.clients import create_client

    twin = create_client(engine, "Zwilling GmbH")
    seed_demo_rounds(engine, twin.id, seed=7)
    twin_new = round_state.round_state(engine, twin.id, repo.list_rounds(engine, twin.id)[0].id)
    pd.testing.assert_frame_equal(new.questions[["median", "spread"]], twin_new.questions[["median", "spread"]])


SAMM_ID = yaml.safe_load((CONFIG_DIR / "models" / "example_samm_shaped.yaml").read_text(encoding="utf-8"))["id"]


def test_a_summing_model_takes_targets_on_its_score_scale_not_its_answer_scale(engine, client):
    """OWASP SAMM-shaped: answers are 0..1, but a practice sums three level means, so it scores
    0..3 and a target of 2.5 is a real goal; 3.5 is beyond what the practice can reach."""
    samm = workshop.model_by_id(SAMM_ID)
    assert samm.value_range == (0.0, 1.0) and samm.score_range[1] == 3.0
    rnd = workshop.start_round(engine, client.id, samm.id, "SAMM 2026", ["A"])
    domain = samm.top_groups[0].id
    workshop.set_target(engine, client.id, rnd.id, samm, domain, 2.5)
    assert repo.targets(engine, client.id, rnd.id)[domain].target == 2.5
    with pytest.raises(InputError, match="outside the scale"):
        workshop.set_target(engine, client.id, rnd.id, samm, domain, 3.5)
