"""Permissions are checked inside the use cases (issue 13 must-show 1, issue 16 item 2): the table
of pages and commands runs against the real use cases with a session of every role; a use case
that forgets its check, or a role given too much, shows up as a mismatch."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from auth.guard import Principal
from auth.roles import Role
from core.errors import PermissionDenied
from core.settings import load_settings
from services.workshop import model_by_id, start_round
from storage import audit
from storage.db import transaction
from storage.users import create_user, deactivate
from tests.usecases.permission_table import EMPTY, ROWS, Row, mismatches
from usecases import assessment, reports
from usecases.session import Session, require

PASSWORD = "a long enough passphrase 42"


@dataclass(frozen=True)
class World:
    round_id: int
    model: object
    info: object
    tmp: Path


@pytest.fixture
def setup(engine, client, tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    settings = load_settings()
    rnd = start_round(engine, client.id, "crm_default", "Runde 1", ["Anna"])
    sessions = {}
    for role in (Role.ADMIN, Role.CONSULTANT, Role.MANAGER):
        user = create_user(engine, f"u_{role.value}", role, PASSWORD, clients=[client.id])
        sessions[role] = Session(engine, settings, user.principal(), client, team_mode=True)
    voter = Principal.participant(1, "Anna", client.id, rnd.id)
    sessions[Role.PARTICIPANT] = Session(engine, settings, voter, client, team_mode=True)
    return sessions, World(rnd.id, model_by_id("crm_default"), None, tmp_path), engine


def test_every_page_and_command_checks_its_permission_for_every_role(setup):
    sessions, world, _ = setup
    assert mismatches(ROWS, sessions, world) == []


def test_a_manager_cannot_merge_a_questionnaire(setup):
    """Issue 16 item 2: a read-only manager merged 3 consensus ratings through the reports page."""
    sessions, world, _ = setup
    with pytest.raises(PermissionDenied, match="assessment.run"):
        reports.merge_questionnaire(sessions[Role.MANAGER], world.round_id, EMPTY)


def forgetful_write(session, world) -> None:
    """A deliberately bad use case: it writes without asking ``require`` first."""
    with transaction(session.engine) as conn:
        audit.record(conn, client_id=session.client_id, actor=session.actor, action="bad.write", entity="x")


def test_the_table_catches_a_use_case_that_forgets_its_check(setup):
    sessions, world, _ = setup
    found = mismatches([Row("bad fixture page", "settings.edit", forgetful_write)], sessions, world)
    assert sorted(found) == sorted(f"bad fixture page: {r} was let through (needs settings.edit)"
                                   for r in ("consultant", "manager", "participant"))


def test_the_table_catches_a_use_case_that_checks_the_wrong_action(setup):
    sessions, world, _ = setup
    found = mismatches([Row("bad fixture page", "audit.view",
                            lambda s, w: require(s, "assessment.view"))], sessions, world)
    assert "bad fixture page: consultant was let through (needs audit.view)" in found


def test_a_deactivated_account_is_refused_at_the_next_call(setup):
    """Revocation is not one click late: the session object of the last run is not trusted."""
    sessions, world, engine = setup
    consultant = sessions[Role.CONSULTANT]
    assert assessment.rounds(consultant)
    deactivate(engine, "u_consultant")
    with pytest.raises(PermissionDenied, match="no longer active"):
        assessment.rounds(consultant)


def test_a_participant_votes_only_in_their_round(setup):
    sessions, world, _ = setup
    other = replace(sessions[Role.PARTICIPANT], principal=Principal.participant(1, "Anna", 999, world.round_id + 1))
    with pytest.raises(PermissionDenied):
        assessment.ballot(other)
