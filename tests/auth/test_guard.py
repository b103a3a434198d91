"""Server-side checks: role and client assignment, participants, team-mode switch."""
from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auth.guard import Principal, require, team_mode_required, visible_clients
from auth.roles import ACTIONS, Role, allowed
from core.errors import PermissionDenied

A, B = 1, 2
ADMIN = Principal(1, "root", Role.ADMIN)
CONSULTANT_A = Principal(2, "anna", Role.CONSULTANT, frozenset({A}))
MANAGER_A = Principal(3, "max", Role.MANAGER, frozenset({A}))
VOTER = Principal.participant(participant_id=7, name="Petra", client_id=A, round_id=11)


def test_manager_of_a_reads_a_but_not_b():
    require(MANAGER_A, "scorecard.view", A)
    with pytest.raises(PermissionDenied, match="'max' is not assigned to this client") as err:
        require(MANAGER_A, "scorecard.view", B)
    assert err.value.exit_code == 4 and "ask an admin" in err.value.hint


def test_manager_may_not_edit_even_their_own_client():
    with pytest.raises(PermissionDenied, match="role 'manager' may not do 'scorecard.edit'"):
        require(MANAGER_A, "scorecard.edit", A)


def test_admin_may_act_on_every_client():
    for client_id in (A, B, 99):
        require(ADMIN, "import.run", client_id)


def test_consultant_runs_assessments_for_assigned_clients_only():
    require(CONSULTANT_A, "assessment.run", A)
    with pytest.raises(PermissionDenied):
        require(CONSULTANT_A, "assessment.run", B)
    with pytest.raises(PermissionDenied):
        require(CONSULTANT_A, "user.manage")


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "assessment.vote"])
def test_participant_is_denied_everything_but_voting(action):
    with pytest.raises(PermissionDenied, match="role 'participant'"):
        require(VOTER, action, A, round_id=11)


def test_participant_votes_only_in_their_round_and_client():
    require(VOTER, "assessment.vote", A, round_id=11)
    with pytest.raises(PermissionDenied, match="only vote in the workshop round they joined"):
        require(VOTER, "assessment.vote", A, round_id=12)
    with pytest.raises(PermissionDenied, match="only vote in the workshop round"):
        require(VOTER, "assessment.vote", A)  # no round named: refused, not assumed
    with pytest.raises(PermissionDenied, match="not assigned"):
        require(VOTER, "assessment.vote", B, round_id=11)


def test_nobody_signed_in_is_denied():
    with pytest.raises(PermissionDenied, match="sign in"):
        require(None, "scorecard.view", A)


def test_principal_is_frozen():
    with pytest.raises(FrozenInstanceError):
        MANAGER_A.role = Role.ADMIN  # type: ignore[misc]


@dataclass(frozen=True)
class C:
    id: int
    name: str


CLIENTS = [C(A, "Acme"), C(B, "Bolt"), C(3, "Corp")]


@pytest.mark.parametrize("principal,names", [
    (ADMIN, ["Acme", "Bolt", "Corp"]),
    (MANAGER_A, ["Acme"]),
    (Principal(4, "eva", Role.CONSULTANT, frozenset({B, 3})), ["Bolt", "Corp"]),
    (Principal(5, "new", Role.CONSULTANT), []),
    (None, []),
])
def test_visible_clients(principal, names):
    assert [c.name for c in visible_clients(principal, CLIENTS)] == names


@pytest.mark.parametrize("address,configured,expected", [
    ("127.0.0.1", False, False),
    ("localhost", False, False),
    ("::1", False, False),
    ("[::1]", False, False),
    ("127.0.0.1", True, True),      # switched on by configuration
    ("0.0.0.0", False, True),       # every interface
    ("", False, True),              # Streamlit's default: every interface
    (None, False, True),
    ("192.168.1.20", False, True),
    ("::", False, True),
    ("cockpit.example.com", False, True),
])
def test_team_mode_required(address, configured, expected):
    assert team_mode_required(address, configured) is expected



@settings(max_examples=300, deadline=None)
@given(role=st.sampled_from([Role.ADMIN, Role.CONSULTANT, Role.MANAGER]),
       assigned=st.frozensets(st.integers(1, 6), max_size=4),
       action=st.sampled_from(ACTIONS), client_id=st.integers(1, 6))
def test_require_passes_exactly_when_role_and_client_allow(role, assigned, action, client_id):
    principal = Principal(1, "u", role, assigned)
    expected = allowed(role, action) and (role is Role.ADMIN or client_id in assigned)
    try:
        require(principal, action, client_id)
        passed = True
    except PermissionDenied:
        passed = False
    assert passed is expected
