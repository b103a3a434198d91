"""Who a browser is: the use cases behind the web sign-in gate (``ui/auth_gate.py``).

The gate reads what the browser holds (the HttpOnly ``cockpit_session`` cookie, an identity
provider's claims, or, under AppTest only, a test user) and asks here which account that names.
Every answer re-reads the account, so a deactivated user, a changed role or a revoked web session
counts at the next run. A participant account never signs in to the cockpit (they vote by code).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from auth.guard import Principal
from auth.roles import Role
from storage import web_sessions
from storage.db import now as utcnow
from storage.oidc_users import oidc_user
from storage.users import get_user


@dataclass(frozen=True)
class Identified:
    """The principal a credential names (None: nobody), and whether it named a web session that
    ran out (the sign-in page then says "please sign in again")."""

    principal: Principal | None
    expired: bool = False


def by_cookie(engine: Engine, token: str) -> Identified:
    """The account behind a web session token: active (not revoked, not idle, not too old) and an
    active, non-participant account."""
    session = web_sessions.active(engine, token)
    if session is None:
        ended = web_sessions.find(engine, token)
        return Identified(None, expired=ended is not None and ended.state(utcnow()) == "expired")
    return Identified(_principal(get_user(engine, session.user_id)))


def by_name(engine: Engine, username: str) -> Principal | None:
    """The principal of an account by its name (the AppTest test user)."""
    return _principal(get_user(engine, username))


def by_identity_provider(engine: Engine, claims: dict) -> Principal | None:
    """The account of an OpenID Connect user (created or updated from the claims: subject, e-mail,
    name, groups). Raises PermissionDenied when the claims may not sign in."""
    groups = claims.get("groups") or []
    user = oidc_user(engine, str(claims.get("sub") or ""), claims.get("email"), str(claims.get("name") or ""),
                     groups if isinstance(groups, list) else [str(groups)])
    return _principal(user)


def sign_out(engine: Engine, token: str) -> bool:
    """Revoke the web session behind ``token``: every tab holding that cookie is signed out."""
    return web_sessions.revoke(engine, token)


def _principal(user) -> Principal | None:
    if user is None or not user.active or user.role is Role.PARTICIPANT:
        return None
    return user.principal()
