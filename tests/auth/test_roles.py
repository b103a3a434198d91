"""The permission table: the shipped file against a hand-written matrix, and broken tables."""
from __future__ import annotations

from pathlib import Path

import pytest

from auth.roles import (ACTIONS, PAGES, OidcPolicy, Role, allowed, load_permissions, pages_for, parse_permissions,
                        parse_role)
from core.errors import ConfigError, InputError
from core.yamlio import load_yaml, parse_yaml

CASES = load_yaml(Path(__file__).with_name("permission_cases.yaml"))
MATRIX = [(role, action, mark == "x") for role, marks in CASES["roles"].items()
          for action, mark in zip(CASES["actions"], marks, strict=True)]


def test_the_matrix_covers_every_role_and_action():
    assert set(CASES["roles"]) == {r.value for r in Role}
    assert tuple(CASES["actions"]) == ACTIONS


@pytest.mark.parametrize("role,action,expected", MATRIX, ids=[f"{r}-{a}" for r, a, _ in MATRIX])
def test_role_may_do_action(role, action, expected):
    assert allowed(role, action) is expected
    assert allowed(Role(role), action) is expected


@pytest.mark.parametrize("role,pages", CASES["pages"].items())
def test_pages_for_role(role, pages):
    assert pages_for(role) == pages
    assert set(pages) <= set(PAGES)


def test_unknown_action_is_a_bug_not_a_silent_no():
    with pytest.raises(ValueError, match="unknown action 'scorecard.delete'"):
        allowed("admin", "scorecard.delete")


def test_shipped_oidc_policy_refuses_strangers():
    policy = load_permissions().oidc
    assert policy == OidcPolicy(auto_provision=False, link_by_email=False, group_roles=(), default_role=None)


GOOD_ROLES = """
  consultant: {actions: [], pages: []}
  manager: {actions: [], pages: []}
  participant: {actions: [assessment.vote], pages: [vote]}
"""

BROKEN = [
    ("roles:\n  admin: {actions: [scorecard.delete], pages: []}" + GOOD_ROLES,
     "roles.admin.actions[0]: 'scorecard.delete' is not one of"),
    ("roles:\n  admin: {actions: [], pages: [secret]}" + GOOD_ROLES,
     "roles.admin.pages[0]: 'secret' is not one of"),
    ("roles:\n  admin: {actions: [audit.view, audit.view], pages: []}" + GOOD_ROLES,
     "roles.admin.actions[1]: duplicate action 'audit.view' (first at roles.admin.actions[0])"),
    ("roles:" + GOOD_ROLES, "roles.admin: role is missing"),
    ("roles:\n  admin: {actions: []}\n  guest: {actions: []}" + GOOD_ROLES, "roles.guest: unknown role"),
    ("roles:\n  admin: {actions: [], view: []}" + GOOD_ROLES, "roles.admin.view: unknown key"),
    ("roles:\n  admin: {}" + GOOD_ROLES + "oidc: {auto_provision: 'yes please'}",
     "oidc.auto_provision: expected true or false"),
    ("roles:\n  admin: {}" + GOOD_ROLES + "oidc: {group_roles: {staff: participant}}",
     "oidc.group_roles.staff: 'participant' is not one of ['admin', 'consultant', 'manager']"),
]


@pytest.mark.parametrize("text,message", BROKEN)
def test_broken_table_names_the_place(text, message):
    with pytest.raises(ConfigError) as err:
        parse_permissions(parse_yaml(text, "permissions.yaml"))
    assert f"permissions.yaml: {message}" in err.value.describe()


def test_every_problem_is_reported_at_once():
    text = "roles:\n  admin: {actions: [x1, x2], pages: [p1]}\n"
    with pytest.raises(ConfigError) as err:
        parse_permissions(parse_yaml(text, "permissions.yaml"))
    # two unknown actions, one unknown page, three missing roles
    assert len(err.value.problems) == 6


POLICY = OidcPolicy(auto_provision=True, group_roles=(("team", Role.CONSULTANT), ("boss", Role.ADMIN),
                                                       ("client", Role.MANAGER)), default_role=None)


@pytest.mark.parametrize("groups,role", [
    (["team"], Role.CONSULTANT),
    (["client", "boss", "team"], Role.ADMIN),   # the most powerful matching role wins
    (["client"], Role.MANAGER),
    (["other"], None),                          # no match, no default: refused
    ([], None),
])
def test_oidc_role_from_groups(groups, role):
    assert POLICY.role_for(groups) is role


def test_default_role_applies_without_a_matching_group():
    assert OidcPolicy(auto_provision=True, default_role=Role.MANAGER).role_for(["x"]) is Role.MANAGER


@pytest.mark.parametrize("text,role", [("admin", Role.ADMIN), (" Manager ", Role.MANAGER)])
def test_parse_role(text, role):
    assert parse_role(text) is role


def test_parse_role_names_the_choices():
    with pytest.raises(InputError, match="Unknown role 'owner'") as err:
        parse_role("owner")
    assert "consultant" in err.value.hint


def test_every_role_and_page_has_a_label_in_both_languages():
    from core.i18n import keys

    wanted = {f"auth.role.{r.value}" for r in Role} | {f"nav.{p}" for p in PAGES}
    assert wanted - keys() == set()
