"""usecases.identity: which account a browser's credential names, re-read on every call."""
from __future__ import annotations

from datetime import timedelta

from storage import web_sessions as ws
from storage.db import now
from storage.users import create_user, deactivate
from usecases import identity


def test_a_live_cookie_names_its_account_until_the_account_is_deactivated(engine):
    anna = create_user(engine, "anna", "consultant")
    token = ws.start(engine, anna.id)
    found = identity.by_cookie(engine, token)
    assert (found.principal.username, found.principal.role.value, found.expired) == ("anna", "consultant", False)
    deactivate(engine, "anna")
    assert identity.by_cookie(engine, token).principal is None  # the next run, not the next sign-in


def test_an_expired_session_says_so_and_a_revoked_or_unknown_one_does_not(engine):
    ben = create_user(engine, "ben", "manager")
    old = ws.start(engine, ben.id, now=now() - ws.ABSOLUTE_LIMIT - timedelta(minutes=1))
    assert identity.by_cookie(engine, old) == identity.Identified(None, expired=True)
    token = ws.start(engine, ben.id)
    assert identity.sign_out(engine, token) is True
    assert identity.by_cookie(engine, token) == identity.Identified(None, expired=False)
    assert identity.by_cookie(engine, "not-a-token") == identity.Identified(None, expired=False)


def test_unknown_names_name_nobody(engine):
    assert identity.by_name(engine, "nobody") is None
    assert identity.by_name(engine, "") is None
