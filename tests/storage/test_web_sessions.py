"""Web sessions behind the cockpit_session cookie, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from storage import web_sessions as ws
from storage.schema import web_sessions
from storage.users import create_user

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def user(engine):
    return create_user(engine, "anna", "consultant")


def test_the_table_holds_the_hash_never_the_token(engine, user):
    token = ws.start(engine, user.id, now=T0)
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    with engine.connect() as conn:
        rows = conn.execute(select(web_sessions)).mappings().all()
    assert len(rows) == 1 and rows[0]["token_hash"] == ws.digest(token) != token
    assert token not in str(dict(rows[0]))
    assert ws.active(engine, token, now=T0 + timedelta(minutes=5)).user_id == user.id


def test_tokens_are_unique(engine, user):
    assert len({ws.start(engine, user.id, now=T0) for _ in range(20)}) == 20


@pytest.mark.parametrize("token", [None, "", "x", "a" * 43, "a" * 10_000])
def test_unknown_or_malformed_tokens_find_nothing(engine, user, token):
    ws.start(engine, user.id, now=T0)
    assert ws.find(engine, token) is None
    assert ws.active(engine, token, now=T0) is None
    assert ws.revoke(engine, token) is False


@pytest.mark.parametrize("later, alive", [
    (timedelta(hours=1, minutes=59), True),
    (timedelta(hours=2, minutes=1), False),  # idle limit
])
def test_idle_limit(engine, user, later, alive):
    token = ws.start(engine, user.id, now=T0)
    assert (ws.active(engine, token, now=T0 + later) is not None) is alive
    if not alive:
        assert ws.find(engine, token).state(T0 + later) == "expired"


def test_activity_keeps_it_alive_until_the_absolute_limit(engine, user):
    token = ws.start(engine, user.id, now=T0)
    for hours in range(1, 12):  # a click every hour
        assert ws.active(engine, token, now=T0 + timedelta(hours=hours)) is not None
    assert ws.active(engine, token, now=T0 + timedelta(hours=11, minutes=59)) is not None
    assert ws.active(engine, token, now=T0 + ws.ABSOLUTE_LIMIT) is None
    assert ws.find(engine, token).state(T0 + ws.ABSOLUTE_LIMIT) == "expired"


def test_last_seen_is_written_at_most_once_a_minute(engine, user):
    token = ws.start(engine, user.id, now=T0)
    assert ws.active(engine, token, now=T0 + timedelta(seconds=30)).last_seen_at == T0
    assert ws.find(engine, token).last_seen_at == T0
    assert ws.active(engine, token, now=T0 + timedelta(seconds=90)).last_seen_at == T0 + timedelta(seconds=90)
    assert ws.find(engine, token).last_seen_at == T0 + timedelta(seconds=90)


def test_revoke_ends_it_at_once(engine, user):
    token = ws.start(engine, user.id, now=T0)
    other = ws.start(engine, user.id, now=T0)  # another browser of the same user
    assert ws.revoke(engine, token, now=T0 + timedelta(minutes=1)) is True
    assert ws.revoke(engine, token) is False  # already ended
    assert ws.active(engine, token, now=T0 + timedelta(minutes=2)) is None
    assert ws.find(engine, token).state(T0 + timedelta(minutes=2)) == "revoked"
    assert ws.active(engine, other, now=T0 + timedelta(minutes=2)) is not None


def test_a_new_sign_in_revokes_the_session_it_replaces(engine, user):
    old = ws.start(engine, user.id, now=T0)
    new = ws.start(engine, user.id, now=T0 + timedelta(minutes=1), replaces=old)
    assert ws.active(engine, old, now=T0 + timedelta(minutes=2)) is None
    assert ws.active(engine, new, now=T0 + timedelta(minutes=2)) is not None


def test_ended_sessions_are_deleted_a_day_later(engine, user):
    ended = ws.start(engine, user.id, now=T0)
    ws.revoke(engine, ended, now=T0)
    idle = ws.start(engine, user.id, now=T0)
    ws.start(engine, user.id, now=T0 + ws.ABSOLUTE_LIMIT + ws.KEEP_ENDED + timedelta(minutes=1))
    assert ws.find(engine, ended) is None and ws.find(engine, idle) is None
    with engine.connect() as conn:
        assert len(conn.execute(select(web_sessions)).all()) == 1


def test_deleting_the_user_deletes_their_sessions(engine, user):
    from sqlalchemy import delete

    from storage.schema import users

    token = ws.start(engine, user.id, now=T0)
    with engine.begin() as conn:
        conn.execute(delete(users).where(users.c.id == user.id))
    assert ws.find(engine, token) is None
