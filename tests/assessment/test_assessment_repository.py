"""storage.assessments on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from assessment.scoring import score
from core.errors import ConflictError, InputError, PermissionDenied
from storage import assessments as repo
from storage import audit
from storage.clients import create_client
from storage.db import now, transaction
from storage.schema import assessment_rounds, votes


@pytest.fixture
def round_(engine, client, default_model):
    return repo.create_round(engine, client.id, "Workshop März", default_model, actor="berater")


def test_create_round_with_join_code(engine, client, round_, default_model):
    assert (round_.model_id, round_.model_version, round_.aggregation, round_.status) == (
        "crm_default", "1.0", "median", "open")
    assert len(round_.join_code) == 6 and set(round_.join_code) <= set(repo.JOIN_CODE_ALPHABET)
    assert timedelta(hours=11, minutes=59) < round_.join_expires_at - now() <= timedelta(hours=12)
    assert repo.list_rounds(engine, client.id) == [round_]
    other = repo.create_round(engine, client.id, "Zweite Runde", default_model, aggregation="mean")
    assert other.join_code != round_.join_code
    assert [r.name for r in repo.list_rounds(engine, client.id)] == ["Zweite Runde", "Workshop März"]


def test_rounds_are_scoped_to_the_client(engine, round_):
    stranger = create_client(engine, "Andere AG")
    assert repo.list_rounds(engine, stranger.id) == []
    with pytest.raises(InputError, match="does not exist for this client"):
        repo.get_round(engine, stranger.id, round_.id)
    with pytest.raises(InputError):
        repo.set_rating(engine, stranger.id, round_.id, "strategy_goals", 3)


def test_join_by_code_and_rejoin_by_token(engine, client, round_):
    p = repo.join_by_code(engine, round_.join_code.lower(), "Anna")
    assert (p.client_id, p.round_id, p.name) == (client.id, round_.id, "Anna")
    assert repo.participant_by_token(engine, p.token) == p
    with pytest.raises(InputError, match="schon vergeben"):
        repo.join_by_code(engine, round_.join_code, "Anna")
    with pytest.raises(PermissionDenied):
        repo.join_by_code(engine, "ZZZZZZ", "Ben")
    assert [x.name for x in repo.list_participants(engine, client.id, round_.id)] == ["Anna"]


def test_expired_or_closed_round_cannot_be_joined(engine, client, round_):
    with transaction(engine) as conn:
        conn.execute(update(assessment_rounds).where(assessment_rounds.c.id == round_.id)
                     .values(join_expires_at=now() - timedelta(minutes=1)))
    with pytest.raises(PermissionDenied, match="nicht \(mehr\) gültig"):
        repo.join_by_code(engine, round_.join_code, "Ben")


def test_vote_is_an_upsert_and_feeds_scoring(engine, client, round_, default_model):
    anna = repo.add_participant(engine, client.id, round_.id, "Anna")
    ben = repo.add_participant(engine, client.id, round_.id, "Ben")
    repo.cast_vote(engine, client.id, round_.id, "strategy_goals", anna.id, 2)
    repo.cast_vote(engine, client.id, round_.id, "strategy_goals", anna.id, 4, note="nach Diskussion")
    repo.cast_vote(engine, client.id, round_.id, "strategy_goals", ben.id, None, not_applicable=True)
    frame = repo.votes_frame(engine, client.id, round_.id)
    assert frame[["question_id", "participant", "value", "not_applicable", "note"]].astype(object).where(
        frame.notna(), None).values.tolist() == [
        ["strategy_goals", "Anna", 4.0, False, "nach Diskussion"], ["strategy_goals", "Ben", None, True, ""]]
    assert score(default_model, frame).group("strategy").score == 4


def test_closed_round_refuses_votes(engine, client, round_):
    anna = repo.add_participant(engine, client.id, round_.id, "Anna")
    repo.set_status(engine, client.id, round_.id, "closed")
    with pytest.raises(PermissionDenied):
        repo.cast_vote(engine, client.id, round_.id, "strategy_goals", anna.id, 3)


def test_concurrent_votes_are_each_stored_exactly_once(engine, client, round_, default_model):
    people = [repo.add_participant(engine, client.id, round_.id, f"P{i}") for i in range(6)]
    questions = list(default_model.question_ids)[:5]

    def vote(job):
        p, q, v = job
        repo.cast_vote(engine, client.id, round_.id, q, p.id, v + (p.id % 2))

    for v in (1, 3):  # everyone votes on every question at once, then everyone changes their mind at once
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(vote, [(p, q, v) for q in questions for p in people]))
    with engine.connect() as conn:
        rows = conn.execute(select(votes.c.participant_id, votes.c.question_id, votes.c.value, votes.c.version)
                            .where(votes.c.round_id == round_.id)).all()
    assert len(rows) == len(people) * len(questions)
    assert len({(r.participant_id, r.question_id) for r in rows}) == len(rows)
    assert all(r.version == 2 for r in rows)  # inserted once, updated once
    assert sorted({r.value for r in rows}) == [3.0, 4.0]  # the second vote wins


def test_rating_optimistic_versioning_and_audit(engine, client, round_):
    v1 = repo.set_rating(engine, client.id, round_.id, "sales_forecast", 3, rationale="Konsens", actor="anna")
    v2 = repo.set_rating(engine, client.id, round_.id, "sales_forecast", 4, expected_version=v1, actor="ben")
    assert (v1, v2) == (1, 2)
    with pytest.raises(ConflictError) as info:  # anna still holds version 1
        repo.set_rating(engine, client.id, round_.id, "sales_forecast", 2, expected_version=1, actor="anna")
    assert (info.value.current["value"], info.value.current["version"], info.value.current["updated_by"]) == (
        4.0, 2, "ben")
    with pytest.raises(ConflictError):  # creating what someone else created already
        repo.set_rating(engine, client.id, round_.id, "sales_forecast", 2, expected_version=None)
    frame = repo.ratings_frame(engine, client.id, round_.id)
    assert frame[["question_id", "value", "rationale", "version"]].values.tolist() == [
        ["sales_forecast", 4.0, "", 2]]  # a write replaces the rationale too
    entries = [e for e in audit.entries(engine, client.id) if e["action"] == "rating.set"]
    assert [(e["actor"], e["before"] and e["before"]["value"], e["after"]["value"]) for e in entries] == [
        ("ben", 3.0, 4.0), ("anna", None, 3.0)]


def test_rating_not_applicable_reaches_scoring(engine, client, round_, default_model):
    p = repo.add_participant(engine, client.id, round_.id, "Anna")
    repo.cast_vote(engine, client.id, round_.id, "strategy_goals", p.id, 1)
    repo.cast_vote(engine, client.id, round_.id, "strategy_voice", p.id, 4)
    repo.set_rating(engine, client.id, round_.id, "strategy_goals", None, not_applicable=True)
    result = score(default_model, repo.votes_frame(engine, client.id, round_.id),
                   repo.ratings_frame(engine, client.id, round_.id))
    assert result.group("strategy").score == 4


def test_targets_versioned_with_audit(engine, client, round_):
    v = repo.set_target(engine, client.id, round_.id, "sales", 3, actor="anna")
    repo.set_target(engine, client.id, round_.id, "sales", 4, expected_version=v, actor="anna")
    with pytest.raises(ConflictError):
        repo.set_target(engine, client.id, round_.id, "sales", 5, expected_version=v)
    assert repo.targets(engine, client.id, round_.id) == {"sales": repo.Target("sales", 4.0, 2)}
    assert sum(e["action"] == "target.set" for e in audit.entries(engine, client.id)) == 2


def test_current_question_is_stored(engine, client, round_):
    repo.set_current_question(engine, client.id, round_.id, "sales_forecast")
    r = repo.get_round(engine, client.id, round_.id)
    assert (r.current_question_id, r.version) == ("sales_forecast", 2)


def test_two_facilitators_saving_at_once_one_wins_one_conflicts(engine, client, round_):
    import threading

    barrier, outcomes = threading.Barrier(2), []

    def save(value):
        barrier.wait()
        try:
            repo.set_rating(engine, client.id, round_.id, "tech_mobile", value, expected_version=None)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(v,)) for v in (2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert repo.ratings_frame(engine, client.id, round_.id)["version"].tolist() == [1]
