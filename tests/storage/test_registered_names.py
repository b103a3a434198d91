"""Issue 14 item 4: a name the facilitator registered is taken up once, with the code or with the
personal link, and never handed out a second time (storage.participants), on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import InputError
from services.workshop import model_by_id
from storage import assessments as repo
from storage import audit
from storage.schema import participants


@pytest.fixture
def registered(engine, client):
    rnd = repo.create_round(engine, client.id, "Workshop", model_by_id("crm_default"))
    anna = repo.add_participant(engine, client.id, rnd.id, "Anna Test")
    return rnd, anna


def test_a_registered_name_joins_with_the_code_and_gets_a_new_token(engine, client, registered):
    rnd, anna = registered
    assert anna.claimed_at is None
    joined = repo.join_by_code(engine, rnd.join_code, "  anna   TEST ")  # a phone keyboard, no exact match
    assert (joined.id, joined.name, joined.round_id) == (anna.id, "Anna Test", rnd.id)
    assert joined.claimed_at is not None and joined.token != anna.token
    assert repo.participant_by_token(engine, anna.token) is None  # the printed link no longer works
    assert repo.participant_by_token(engine, joined.token).id == anna.id
    assert [p.name for p in repo.list_participants(engine, client.id, rnd.id)] == ["Anna Test"]  # no second row


def test_a_claimed_name_is_refused_a_second_time(engine, client, registered):
    rnd, _anna = registered
    repo.join_by_code(engine, rnd.join_code, "Anna Test")
    with pytest.raises(InputError, match="schon vergeben") as refused:
        repo.join_by_code(engine, rnd.join_code, "Anna Test")
    assert "Moderation" in refused.value.hint
    with pytest.raises(InputError, match="already taken"):
        repo.join_by_code(engine, rnd.join_code, "anna test", lang="en")


def test_opening_the_personal_link_claims_the_name_and_keeps_the_token(engine, client, registered):
    rnd, anna = registered
    opened = repo.open_link(engine, anna.token)
    assert opened.id == anna.id and opened.token == anna.token and opened.claimed_at is not None
    assert repo.open_link(engine, anna.token).claimed_at == opened.claimed_at  # once: the first time counts
    with pytest.raises(InputError, match="schon vergeben"):
        repo.join_by_code(engine, rnd.join_code, "Anna Test")  # someone else who knows the name: refused
    assert repo.open_link(engine, "no-such-token") is None


def test_names_joined_by_code_are_claimed_and_a_look_alike_registration_is_refused(engine, client, registered):
    rnd, _anna = registered
    ben = repo.join_by_code(engine, rnd.join_code, "Ben")
    assert ben.claimed_at is not None
    with pytest.raises(InputError, match="schon vergeben"):
        repo.join_by_code(engine, rnd.join_code, "ben")
    with pytest.raises(InputError, match="schon vergeben"):
        repo.add_participant(engine, client.id, rnd.id, "BEN ")


def test_reissue_makes_the_name_claimable_again_and_cuts_off_the_old_device(engine, client, registered):
    rnd, anna = registered
    impostor = repo.join_by_code(engine, rnd.join_code, "Anna Test")
    fresh = repo.reissue_link(engine, client.id, rnd.id, anna.id, actor="berater")
    assert fresh.claimed_at is None and fresh.token not in (anna.token, impostor.token)
    assert repo.participant_by_token(engine, impostor.token) is None
    assert repo.join_by_code(engine, rnd.join_code, "Anna Test").id == anna.id  # the real Anna, now
    assert any(e["action"] == "participant.reissue" for e in audit.entries(engine, client.id))
    other = repo.create_round(engine, client.id, "Andere Runde", model_by_id("crm_default"))
    with pytest.raises(InputError):
        repo.reissue_link(engine, client.id, other.id, anna.id)


def test_claimed_at_is_stored(engine, client, registered):
    rnd, anna = registered
    repo.join_by_code(engine, rnd.join_code, "Anna Test")
    with engine.connect() as conn:
        assert conn.execute(select(participants.c.claimed_at).where(participants.c.id == anna.id)).scalar() is not None
