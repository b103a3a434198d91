"""The server-side checks: who is signed in (``Principal``) and may they do this (``require``).

Every page and every command calls ``require`` before it reads or writes client data; a
hidden button is not a permission. A consultant or manager acts only on the clients assigned
to them, an admin on every client, a participant only votes in their one round.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Iterable, Protocol, TypeVar

from auth.roles import Permissions, Role, shipped
from core.errors import PermissionDenied
from core.i18n import Term


@dataclass(frozen=True)
class Principal:
    """The signed-in user (or a workshop participant who joined with a code)."""

    user_id: int | None
    username: str
    role: Role
    client_ids: frozenset[int] = field(default_factory=frozenset)
    round_id: int | None = None        # participants only: the round they joined
    participant_id: int | None = None  # participants only

    @classmethod
    def participant(cls, participant_id: int, name: str, client_id: int, round_id: int) -> "Principal":
        return cls(None, name, Role.PARTICIPANT, frozenset({client_id}), round_id, participant_id)

    @classmethod
    def local(cls) -> "Principal":
        """The single user of a local installation (team mode off): an admin."""
        return cls(None, "local", Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def may_see(self, client_id: int) -> bool:
        return self.is_admin or client_id in self.client_ids


def require(principal: Principal | None, action: str, client_id: int | None = None, *,
            round_id: int | None = None, permissions: Permissions | None = None) -> None:
    """Raise PermissionDenied unless the role allows ``action`` and the client (and, for a
    participant, the round) is theirs. Pass ``client_id`` for everything that touches client data."""
    table = permissions or shipped()
    if principal is None:
        raise PermissionDenied("Please sign in first.", hint="your session may have expired",
                               key="denied.sign_in_first", hint_key="denied.sign_in_first_hint")
    if not table.allowed(principal.role, action):
        raise PermissionDenied(f"The role {principal.role.value!r} may not do {action!r} "
                               f"(signed in as {principal.username!r}).",
                               hint="ask an admin if you need this", key="denied.action", hint_key="denied.action_hint",
                               values={"role": Term(f"auth.role.{principal.role.value}"),
                                       "action": Term(f"auth.action.{action}"), "user": principal.username})
    if client_id is not None and not principal.may_see(client_id):
        raise PermissionDenied(f"{principal.username!r} is not assigned to this client (id {client_id}).",
                               hint="ask an admin to assign you to the client", key="denied.client",
                               hint_key="denied.client_hint", values={"user": principal.username})
    if principal.role is Role.PARTICIPANT and (round_id is None or round_id != principal.round_id):
        raise PermissionDenied("A participant may only vote in the workshop round they joined.",
                               hint="join with the code the facilitator shows", key="denied.round",
                               hint_key="denied.round_hint")


class _HasId(Protocol):
    id: int


C = TypeVar("C", bound=_HasId)


def visible_clients(principal: Principal | None, all_clients: Iterable[C]) -> list[C]:
    """The clients ``principal`` may see (objects with an ``id``, e.g. storage.clients.Client)."""
    if principal is None:
        return []
    return [c for c in all_clients if principal.may_see(c.id)]


def team_mode_required(address: str | None, configured: bool) -> bool:
    """Sign-in is needed when configured, or when the server listens beyond this machine.

    ``address`` is Streamlit's ``server.address``; empty means every interface."""
    if configured:
        return True
    host = (address or "").strip().strip("[]")
    if host.lower() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:  # empty (all interfaces), 0.0.0.0 parses; a host name we cannot judge
        return True
