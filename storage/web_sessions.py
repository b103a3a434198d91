"""Web sessions of built-in accounts: the server side of the ``cockpit_session`` cookie.

A sign-in with user name and password (``auth.web``) calls ``start(engine, user_id)``: it draws
``TOKEN_BYTES`` random bytes (``secrets.token_urlsafe``), stores only their SHA-256 (``digest``)
and returns the token for the cookie. On every run the gate calls ``active(engine, token)``: the
session of that token if it was not revoked, was seen within ``IDLE_LIMIT`` and started within
``ABSOLUTE_LIMIT``; else None. ``revoke`` ends a session (sign-out). Whether the account may still
sign in (active, role, clients) is not decided here: the gate re-reads the user on every run.

Why an opaque token looked up by its hash and not a signed cookie: 256 random bits cannot be
guessed, and the database never holds a usable token (a stolen table of hashes signs nobody in).
A signed, stateless cookie could not be revoked at sign-out and a leaked signing secret would
forge a session for anyone; here every run asks the database, so sign-out is immediate.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, delete, insert, or_, select, update

from storage.db import now as utcnow
from storage.db import reading, transaction
from storage.schema import web_sessions

TOKEN_BYTES = 32
IDLE_LIMIT = timedelta(hours=2)
ABSOLUTE_LIMIT = timedelta(hours=12)
TOUCH_AFTER = timedelta(minutes=1)  # last_seen_at is written at most once a minute per session
KEEP_ENDED = timedelta(days=1)      # ended rows are deleted a day later (at the next sign-in)
MAX_TOKEN_LENGTH = 128              # anything longer is not one of ours: no query


@dataclass(frozen=True)
class WebSession:
    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        """``active``, ``revoked`` or ``expired`` (idle too long, or past the absolute limit)."""
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at or now - self.last_seen_at > IDLE_LIMIT:
            return "expired"
        return "active"


def digest(token: str) -> str:
    """What the table stores for a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(engine: Engine, user_id: int, now: datetime | None = None, replaces: str | None = None) -> str:
    """A new session for ``user_id``; returns the token for the cookie (stored only as its hash).
    ``replaces``: the token the browser sent before, revoked in the same transaction (a sign-in
    never keeps an older session alive). Sessions that ended a day ago are deleted."""
    now = _utc(now or utcnow())
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction(engine) as conn:
        if replaces:
            conn.execute(update(web_sessions).where(web_sessions.c.token_hash == digest(replaces),
                                                    web_sessions.c.revoked_at.is_(None)).values(revoked_at=now))
        conn.execute(delete(web_sessions).where(or_(web_sessions.c.expires_at < now - KEEP_ENDED,
                                                    web_sessions.c.last_seen_at < now - IDLE_LIMIT - KEEP_ENDED,
                                                    web_sessions.c.revoked_at < now - KEEP_ENDED)))
        conn.execute(insert(web_sessions).values(token_hash=digest(token), user_id=user_id, created_at=now,
                                                 last_seen_at=now, expires_at=now + ABSOLUTE_LIMIT))
    return token


def find(engine: Engine, token: str | None) -> WebSession | None:
    """The session row of ``token`` in any state (None for an unknown or malformed token)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    with reading(engine) as conn:
        row = conn.execute(select(web_sessions).where(web_sessions.c.token_hash == digest(token))).mappings().first()
    if row is None:
        return None
    return WebSession(row["id"], row["user_id"], _utc(row["created_at"]), _utc(row["last_seen_at"]),
                      _utc(row["expires_at"]), _utc(row["revoked_at"]) if row["revoked_at"] else None)


def active(engine: Engine, token: str | None, now: datetime | None = None) -> WebSession | None:
    """The session of ``token`` if it is active now (and marks it seen); None otherwise."""
    now = _utc(now or utcnow())
    session = find(engine, token)
    if session is None or session.state(now) != "active":
        return None
    if now - session.last_seen_at >= TOUCH_AFTER:
        with transaction(engine) as conn:
            conn.execute(update(web_sessions).where(web_sessions.c.id == session.id).values(last_seen_at=now))
        session = WebSession(session.id, session.user_id, session.created_at, now, session.expires_at, None)
    return session


def revoke(engine: Engine, token: str | None, now: datetime | None = None) -> bool:
    """End the session of ``token`` (sign-out); True when an active one was ended."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    with transaction(engine) as conn:
        ended = conn.execute(update(web_sessions).where(web_sessions.c.token_hash == digest(token),
                                                        web_sessions.c.revoked_at.is_(None))
                             .values(revoked_at=_utc(now or utcnow())))
        return ended.rowcount > 0


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
