"""Renewing a round's join code (storage.assessments.renew_join_code) on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.errors import InputError, PermissionDenied
from storage import assessments as repo
from storage import audit
from storage.clients import create_client
from storage.db import now, transaction
from storage.schema import assessment_rounds


@pytest.fixture
def expired(engine, client, default_model):
    round_ = repo.create_round(engine, client.id, "Workshop März", default_model, actor="berater")
    with transaction(engine) as conn:
        conn.execute(update(assessment_rounds).where(assessment_rounds.c.id == round_.id)
                     .values(join_expires_at=now() - timedelta(minutes=1)))
    return repo.get_round(engine, client.id, round_.id)


def test_renewed_code_is_new_valid_12_hours_and_audited(engine, client, expired):
    anna = repo.add_participant(engine, client.id, expired.id, "Anna")
    renewed = repo.renew_join_code(engine, client.id, expired.id, "berater")
    assert renewed.join_code != expired.join_code
    assert len(renewed.join_code) == 6 and set(renewed.join_code) <= set(repo.JOIN_CODE_ALPHABET)
    assert timedelta(hours=11, minutes=59) < renewed.join_expires_at - now() <= timedelta(hours=12)
    assert renewed.version == expired.version + 1
    with pytest.raises(PermissionDenied):
        repo.join_by_code(engine, expired.join_code, "Ben")  # the old code is gone
    ben = repo.join_by_code(engine, renewed.join_code, "Ben")
    assert ben.round_id == expired.id
    assert repo.participant_by_token(engine, anna.token) == anna  # who joined before keeps their device
    entry = next(e for e in audit.entries(engine, client.id) if e["action"] == "round.join_code")
    assert (entry["actor"], entry["entity_key"]) == ("berater", str(expired.id))
    assert expired.join_code not in str(entry) and renewed.join_code not in str(entry)


def test_hours_set_the_validity(engine, client, expired):
    renewed = repo.renew_join_code(engine, client.id, expired.id, "berater", hours=2)
    assert timedelta(hours=1, minutes=59) < renewed.join_expires_at - now() <= timedelta(hours=2)


@pytest.mark.parametrize("hours", [0, -1, 24 * 30])
def test_absurd_validity_is_refused(engine, client, expired, hours):
    with pytest.raises(InputError, match="hours"):
        repo.renew_join_code(engine, client.id, expired.id, "berater", hours=hours)


def test_another_client_cannot_renew_the_code(engine, client, expired):
    other = create_client(engine, "Andere GmbH")
    with pytest.raises(InputError, match="does not exist"):
        repo.renew_join_code(engine, other.id, expired.id, "fremd")
    assert repo.get_round(engine, client.id, expired.id).join_code == expired.join_code


def test_closed_round_gets_no_new_code(engine, client, expired):
    repo.set_status(engine, client.id, expired.id, "closed", actor="berater")
    with pytest.raises(InputError, match="closed"):
        repo.renew_join_code(engine, client.id, expired.id, "berater")
