"""Who acts, for which client: the ``Session`` every use case takes, and the one permission check.

A page or a command builds a ``Session`` (principal + client + where the data lives) and hands it
to a use case; the use case checks its own permission (``require``) and runs its storage calls
inside the client's row-level-security scope (``scoped``). Nothing above this layer decides who
may do what.

``require`` re-reads the account from the database on every call: a user deactivated, or
unassigned from the client, between two clicks is refused at the next click, also inside a
button callback or a 2-second fragment that runs before (or without) the page's own checks.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator

from sqlalchemy import Engine

from auth.guard import Principal
from auth.guard import require as check
from auth.roles import Permissions
from core.errors import InputError, PermissionDenied
from core.settings import Settings, load_settings
from storage.clients import Client, get_client, slugify  # noqa: F401 - Client is part of this module's API
from storage.db import connect
from storage.scope import client_scope, scope_for
from storage.scope import install as install_scope  # noqa: F401 - the shell installs the scope listener
from storage.users import get_user


@dataclass(frozen=True)
class Session:
    """One actor working on one client (or on none yet)."""

    engine: Engine
    settings: Settings
    principal: Principal | None
    client: Client | None = None
    team_mode: bool = False
    permissions: Permissions | None = None  # None: config/permissions.yaml

    @property
    def actor(self) -> str:
        return self.principal.username if self.principal else ""

    @property
    def client_id(self) -> int:
        if self.client is None:
            raise InputError("No client chosen.", hint="pick a client in the sidebar, or pass --client",
                             key="client.none", hint_key="client.none_hint")
        return self.client.id

    def with_client(self, client: Client | None) -> "Session":
        return replace(self, client=client)


def current_principal(session: Session) -> Principal | None:
    """The principal as the database has it now (accounts are re-read; participants and the local
    user have no account row)."""
    principal = session.principal
    if principal is None or principal.user_id is None:
        return principal
    user = get_user(session.engine, principal.user_id)
    if user is None or not user.active:
        raise PermissionDenied(f"The account {principal.username!r} is no longer active.",
                               hint="sign in again, or ask an admin", key="denied.inactive",
                               hint_key="denied.inactive_hint", values={"user": principal.username})
    return user.principal()


def require(session: Session, action: str, *, client: bool = True, round_id: int | None = None) -> Principal:
    """Raise ``PermissionDenied`` unless the session's principal may do ``action`` (on its client
    when ``client``); returns the fresh principal."""
    principal = current_principal(session)
    client_id = session.client_id if client else None
    check(principal, action, client_id, round_id=round_id, permissions=session.permissions)
    return principal


def allowed(session: Session, action: str) -> bool:
    """For showing or hiding a control; the use case behind it checks again."""
    try:
        require(session, action, client=session.client is not None)
    except PermissionDenied:
        return False
    return True


@contextmanager
def scoped(session: Session) -> Iterator[None]:
    """Storage calls inside see only the session's client (PostgreSQL row-level security)."""
    with client_scope(scope_for(session.principal, session.team_mode, session.client)):
        yield


def cli_session(client: str | None = None, *, user: str | None = None) -> Session:
    """The command line's session: the local operator (an admin) or, with ``user``, that account's
    role and clients (``--user`` or ``COCKPIT_USER``). The client by name or short name; a missing
    one raises ``InputError`` (``usecases.admin.ensure_client`` creates it where a command may)."""
    settings = load_settings()
    engine = connect(settings.database_url)
    principal = Principal.local()
    if user:
        account = get_user(engine, user)
        if account is None or not account.active:
            raise PermissionDenied(f"No active account {user!r}.", hint="cli.py user list shows the accounts",
                                   key="user.not_active", values={"user": user}, hint_key="user.unknown_hint")
        principal = account.principal()
    session = Session(engine, settings, principal, team_mode=bool(user))
    if client is None:
        return session
    found = get_client(engine, slugify(client))
    if found is None:
        raise InputError(f"client {client!r} not found", hint="cli.py client list shows the clients",
                         key="client.unknown", values={"client": client}, hint_key="client.list_hint")
    return session.with_client(found)


def participant_session(engine: Engine, settings: Settings, participant) -> Session:
    """A workshop participant who joined with the code: votes in their one round, nothing else."""
    principal = Principal.participant(participant.id, participant.name, participant.client_id, participant.round_id)
    return Session(engine, settings, principal, Client(participant.client_id, "", ""), team_mode=True)


def local_session(engine: Engine, settings: Settings, client: Client | None = None) -> Session:
    """The single user of a local installation (team mode off): an admin on every client."""
    return Session(engine, settings, Principal.local(), client)
