"""``ui.auth_gate.still_allowed``: what the 2-second fragments ask before they stream (issue 16
item 6). A script runs the gate once (a full run) and then, like a fragment rerun, only asks."""
from __future__ import annotations

import pytest

from core.settings import load_settings
from storage.db import connect
from storage.users import assign_clients, deactivate


@pytest.fixture(autouse=True)
def testing(monkeypatch):
    from ui import auth_gate

    monkeypatch.setenv("COCKPIT_TESTING", "1")
    monkeypatch.setattr(auth_gate, "RECHECK_AFTER", 0.0)  # no reuse: each run checks again


def _script():
    import streamlit as st

    from core.settings import load_settings
    from ui import auth_gate, state

    if st.session_state.get("full_run", True):  # the shell: gate, then the page's client
        auth_gate.gate(state.engine(), load_settings())
        st.session_state["_ctx"] = st.session_state.get("ctx_for_test")
    st.markdown(f"allowed={auth_gate.still_allowed()}")


def _fragment_runs(user: str, client=None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["_test_user"] = user
    at.session_state["ctx_for_test"] = type("Ctx", (), {"client": client})() if client else None
    at.run()
    assert at.markdown[0].value == "allowed=True"
    at.session_state["full_run"] = False  # from now on: fragment reruns only
    return at


def _allowed(at) -> bool:
    at.run()
    return at.markdown[0].value == "allowed=True"


def test_a_deactivated_account_stops_the_fragment(team_env):
    at = _fragment_runs("anna")
    assert _allowed(at)
    deactivate(connect(load_settings().database_url), "anna")
    assert not _allowed(at)


def test_losing_the_pages_client_stops_the_fragment(team_env):
    at = _fragment_runs("anna", client=team_env["a"])
    assert _allowed(at)
    assign_clients(connect(load_settings().database_url), "anna", [])
    assert not _allowed(at)


def test_losing_the_credentials_stops_the_fragment(team_env):
    """A reconnect without the cookie (here: without the test sign-in) before a fragment rerun."""
    at = _fragment_runs("max")
    at.session_state["_test_user"] = ""
    assert not _allowed(at)


def test_another_account_on_the_same_session_stops_the_fragment(team_env):
    at = _fragment_runs("max")
    at.session_state["_test_user"] = "anna"
    assert not _allowed(at)


def test_a_participant_by_code_is_not_stopped(team_env):
    at = _fragment_runs("")  # signed out: the vote page of a participant who joined by code
    assert _allowed(at)
