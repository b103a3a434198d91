"""Issue 14.2: an open round is shown with its completeness and never stands for the maturity."""
from __future__ import annotations

from services import scorecard_view as sv
from services import workshop
from services.demo_assessment import seed_demo_rounds
from storage import assessments as repo


def test_a_new_round_with_three_of_29_answers_is_the_open_round_not_the_maturity(engine, client):
    seed_demo_rounds(engine, client.id, seed=7)
    repo.set_status(engine, client.id, repo.list_rounds(engine, client.id)[0].id, "closed")  # Workshop 2025 done
    rnd = workshop.start_round(engine, client.id, "crm_default", "Workshop 2026")
    model = workshop.model_by_id("crm_default")
    anna = repo.add_participant(engine, client.id, rnd.id, "Anna")
    ben = repo.add_participant(engine, client.id, rnd.id, "Ben")
    first, second, third = model.question_ids[:3]
    workshop.vote(engine, anna, model, first, 2)
    workshop.vote(engine, ben, model, first, 3)  # two answers to one question count once
    workshop.vote(engine, anna, model, second, None, not_applicable=True)
    workshop.set_consensus(engine, client.id, rnd.id, model, third, 4)

    opened = sv.open_round(engine, client.id)
    assert (opened.round_name, opened.answered, opened.total) == ("Workshop 2026", 3, len(model.question_ids))
    assert len(model.question_ids) == 29
    assert sv.latest_maturity(engine, client.id).round_name == "Workshop 2025"


def test_no_open_round_once_the_newest_is_closed(engine, client):
    seed_demo_rounds(engine, client.id, seed=7)
    opened = sv.open_round(engine, client.id)
    assert opened.round_name == "Workshop 2025" and 0 < opened.answered <= opened.total
    repo.set_status(engine, client.id, opened.round_id, "closed")
    assert sv.open_round(engine, client.id) is None
    assert sv.latest_maturity(engine, client.id).round_name == "Workshop 2025"


def test_a_new_round_starts_with_the_previous_rounds_targets(engine, client):
    """Issue 14.2: targets carry over from the previous round of the same model (and stay editable)."""
    seed_demo_rounds(engine, client.id, seed=7)
    before = {k: v.target for k, v in repo.targets(engine, client.id, repo.list_rounds(engine, client.id)[0].id).items()}
    assert len(before) == 9
    rnd = workshop.start_round(engine, client.id, "crm_default", "Workshop 2026")
    carried = repo.targets(engine, client.id, rnd.id)
    assert {k: v.target for k, v in carried.items()} == before
    model = workshop.model_by_id("crm_default")
    workshop.set_target(engine, client.id, rnd.id, model, "sales", 5.0, expected_version=carried["sales"].version)
    assert repo.targets(engine, client.id, rnd.id)["sales"].target == 5.0
    other = workshop.start_round(engine, client.id, "digital_service_check", "Fremdmodell")
    assert repo.targets(engine, client.id, other.id) == {}  # another model: nothing to carry
