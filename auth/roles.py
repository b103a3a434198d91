"""Roles and the permission table (``config/permissions.yaml``).

The table is data: which role may perform which action and which pages it sees, plus the
policy for accounts that sign in through an identity provider. ``allowed`` and ``pages_for``
read the shipped table; pass another ``Permissions`` (``load_permissions(path)``) in tests.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

from core.settings import CONFIG_DIR
from core.yamlio import Checker, load_yaml
from core.errors import InputError

PERMISSIONS_FILE = CONFIG_DIR / "permissions.yaml"


class Role(str, Enum):
    ADMIN = "admin"            # users, clients, configuration; every client
    CONSULTANT = "consultant"  # assessments and imports for the assigned clients
    MANAGER = "manager"        # reads scorecards and reports of the assigned client
    PARTICIPANT = "participant"  # votes in one workshop round (join code), sees nothing else


ACTIONS = (
    "client.create", "assessment.view", "assessment.run", "assessment.vote", "import.run", "scorecard.view",
    "scorecard.edit", "report.export", "audit.view", "user.manage", "settings.edit", "alert.acknowledge",
)
PAGES = ("overview", "scorecard", "kpis", "lifecycle", "analytics", "assessment", "workshop", "vote", "import",
         "reports", "settings")


@dataclass(frozen=True)
class OidcPolicy:
    """What happens when someone signs in through the identity provider for the first time."""

    auto_provision: bool = False
    link_by_email: bool = False
    group_roles: tuple[tuple[str, Role], ...] = ()  # (group, role) in file order
    default_role: Role | None = None

    def role_for(self, groups: list[str] | tuple[str, ...]) -> Role | None:
        """The role for a new account: the most powerful role any of ``groups`` maps to."""
        matched = {role for group, role in self.group_roles if group in set(groups)}
        for role in Role:  # enum order: most powerful first
            if role in matched:
                return role
        return self.default_role


@dataclass(frozen=True)
class Permissions:
    actions: dict[Role, frozenset[str]]
    pages: dict[Role, tuple[str, ...]]
    oidc: OidcPolicy

    def allowed(self, role: Role | str, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; known: {list(ACTIONS)}")
        return action in self.actions.get(Role(role), frozenset())

    def pages_for(self, role: Role | str) -> list[str]:
        return list(self.pages.get(Role(role), ()))


def load_permissions(path: str | Path = PERMISSIONS_FILE) -> Permissions:
    return parse_permissions(load_yaml(path), Path(path).name)


def parse_permissions(raw: object, source: str = "permissions.yaml") -> Permissions:
    """Validate a parsed permission table; a broken one raises ConfigError listing every problem."""
    check = Checker(source)
    top = check.mapping(raw, "")
    check.unknown_keys(top, ("roles", "oidc"), "")
    roles = check.mapping(check.get(top, "roles", ""), "roles")
    roles_known = [r.value for r in Role]
    for name in roles:
        if name not in roles_known:
            check.add(f"roles.{name}", f"unknown role; roles are {roles_known}")
    actions: dict[Role, frozenset[str]] = {}
    pages: dict[Role, tuple[str, ...]] = {}
    for role in Role:
        path = f"roles.{role.value}"
        if role.value not in roles:
            check.add(path, "role is missing", hint="list every role, with empty lists if it may do nothing")
            continue
        entry = check.mapping(roles[role.value], path)
        check.unknown_keys(entry, ("actions", "pages"), path)
        actions[role] = frozenset(_names(check, entry, "actions", path, ACTIONS))
        pages[role] = tuple(_names(check, entry, "pages", path, PAGES))
    oidc = _oidc(check, check.mapping(top.get("oidc") or {}, "oidc"))
    check.done()
    return Permissions(actions, pages, oidc)


def _names(check: Checker, entry: dict, key: str, path: str, known: tuple[str, ...]) -> list[str]:
    path = check.join(path, key)
    items = check.sequence(entry.get(key, []) or [], path)
    for i, item in enumerate(items):
        if item not in known:
            check.add(check.join(path, i), f"{item!r} is not one of {list(known)}")
    check.unique(((str(item), check.join(path, i)) for i, item in enumerate(items)), what=key[:-1])
    return [item for item in items if item in known]


def _oidc(check: Checker, d: dict) -> OidcPolicy:
    check.unknown_keys(d, ("auto_provision", "link_by_email", "group_roles", "default_role"), "oidc")
    signable = [Role.ADMIN.value, Role.CONSULTANT.value, Role.MANAGER.value]  # participants join by code
    groups = check.mapping(d.get("group_roles") or {}, "oidc.group_roles")
    group_roles = []
    for group, role in groups.items():
        if role not in signable:
            check.add(f"oidc.group_roles.{group}", f"{role!r} is not one of {signable}")
        else:
            group_roles.append((str(group), Role(role)))
    default = check.choice(d, "default_role", "oidc", signable, required=False)
    return OidcPolicy(
        auto_provision=check.boolean(d, "auto_provision", "oidc", False),
        link_by_email=check.boolean(d, "link_by_email", "oidc", False),
        group_roles=tuple(group_roles),
        default_role=Role(default) if default else None,
    )


@lru_cache(maxsize=1)
def shipped() -> Permissions:
    """The table in ``config/permissions.yaml`` (read once per process)."""
    return load_permissions()


def allowed(role: Role | str, action: str) -> bool:
    """May ``role`` perform ``action``? An unknown action is a bug and raises ValueError."""
    return shipped().allowed(role, action)


def pages_for(role: Role | str) -> list[str]:
    """The pages ``role`` sees, in navigation order."""
    return shipped().pages_for(role)


def parse_role(value: Role | str) -> Role:
    """A role name from a form or the command line; InputError names the choices."""
    if isinstance(value, Role):
        return value
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        raise InputError(f"Unknown role {value!r}.", hint=f"choose one of {[r.value for r in Role]}",
                         key="role.unknown", values={"role": value, "roles": ", ".join(r.value for r in Role)},
                         hint_key="role.unknown_hint") from None
