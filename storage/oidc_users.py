"""The account for an identity-provider sign-in (``st.user``, issue: team mode): found by its
subject, linked by e-mail, or provisioned by the role policy (``config/permissions.yaml``
``oidc:``); split from ``storage.users``, which keeps the accounts and the password sign-in."""
from __future__ import annotations

from sqlalchemy import Engine, func, select, update

from auth.roles import OidcPolicy, shipped
from core.errors import InputError, PermissionDenied
from storage import audit
from storage.db import reading, transaction
from storage.schema import users
from storage.users import User, _user, create_user, get_user


def oidc_user(engine: Engine, subject: str, email: str | None = None, name: str = "",
              groups: list[str] | tuple[str, ...] = (), policy: OidcPolicy | None = None) -> User:
    """The account for an identity-provider sign-in (``st.user``): by subject, then (if the
    policy says so) by e-mail, then auto-provisioned (if the policy says so); else PermissionDenied."""
    policy = policy or shipped().oidc
    if not subject:
        raise PermissionDenied("The identity provider sent no subject.", hint="check the [auth] settings",
                               key="oidc.no_subject", hint_key="oidc.no_subject_hint")
    with reading(engine) as conn:
        row = conn.execute(select(users).where(users.c.oidc_subject == subject)).mappings().first()
        linking = row is None and policy.link_by_email and bool(email)
        if linking:
            row = conn.execute(select(users).where(func.lower(users.c.email) == email.lower(),
                                                   users.c.oidc_subject.is_(None))).mappings().first()
        user = _user(conn, row) if row else None
    if user is not None and linking and user.active:
        with transaction(engine) as conn:
            conn.execute(update(users).where(users.c.id == user.id).values(oidc_subject=subject))
            audit.record(conn, client_id=None, actor=user.username, action="user.link", entity="user",
                         entity_key=user.username, after={"oidc": True})
    if user is not None:
        if not user.active:
            raise PermissionDenied(f"The account {user.username!r} is deactivated.", hint="ask an admin",
                                   key="denied.inactive", values={"user": user.username},
                                   hint_key="denied.inactive_hint")
        return get_user(engine, user.id)
    role = policy.role_for(list(groups)) if policy.auto_provision else None
    if role is None:
        raise PermissionDenied(f"No account for {email or name or subject!r} in the cockpit yet.",
                               hint="ask an admin to add you", key="oidc.no_account",
                               values={"who": email or name or subject}, hint_key="oidc.ask_admin")
    try:
        return create_user(engine, email or subject, role, oidc_subject=subject, display_name=name or email or "",
                           email=email, actor="oidc")
    except InputError:  # the name is taken by another account, or not usable as a user name
        raise PermissionDenied(f"Could not create an account for {email or subject!r}.",
                               hint="ask an admin to add you", key="oidc.create_failed",
                               values={"who": email or subject}, hint_key="oidc.ask_admin") from None
