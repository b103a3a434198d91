"""The team-mode shell in AppTest: pages by role, clients by assignment, participants.

AppTest cannot send the ``cockpit_session`` cookie, so a test signs in through the one testing
hook (``ui.auth_gate.testing_user``): ``COCKPIT_TESTING=1`` plus ``session_state["_test_user"]``.
The account is re-read on every run like a cookie's. The password form itself is a page of
``auth.web`` (tests/auth/test_web.py) and the cookie is tested in a browser
(tests/e2e/test_session_cookie.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SIGN_IN = "Sign in to the CRM Cockpit"


@pytest.fixture(autouse=True)
def testing(monkeypatch):
    monkeypatch.setenv("COCKPIT_TESTING", "1")


def _app(user: str | None = None, **query):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    if user:
        at.session_state["_test_user"] = user
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _sign_in(at, user: str):
    at.session_state["_test_user"] = user
    return at.run()


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


def _client_options(at) -> list[str]:
    boxes = [s for s in at.selectbox if s.key == "client"]
    return list(boxes[0].options) if boxes else []


def test_signed_out_sees_only_the_sign_in(team_env):
    at = _app()
    assert not at.exception
    assert _titles(at) == [SIGN_IN]
    assert _client_options(at) == []  # no client names leak to a signed-out visitor
    link = " ".join(h.proto.body for h in at.html)
    assert 'href="/account/sign-in?lang=en&amp;next=%2F%3Flang%3Den"' in link and "Sign in with an account" in link
    assert not at.text_input  # no password field on the websocket page any more


def test_the_sign_in_link_returns_to_the_address_asked_for(team_env):
    at = _app(client="alpha")
    link = " ".join(h.proto.body for h in at.html)
    assert "next=%2F%3Fclient%3Dalpha" in link


def test_the_testing_hook_needs_the_variable(team_env, monkeypatch):
    monkeypatch.delenv("COCKPIT_TESTING")
    at = _app("admin")
    assert _titles(at) == [SIGN_IN] and _client_options(at) == []


def test_the_testing_hook_re_reads_the_account(team_env):
    at = _app("nobody-here")
    assert _titles(at) == [SIGN_IN]


@pytest.mark.parametrize("page", ["scorecard_page.py", "settings_page.py", "vote_page.py"])
def test_signed_out_cannot_switch_to_another_page(team_env, page):
    at = _app(client="beta")
    with pytest.raises(Exception):  # the page is not registered: AppTest refuses the switch
        at.switch_page(str(ROOT / "ui" / "pages" / page))
        at.run()
        assert _titles(at) != [SIGN_IN]
        raise AssertionError("switched")  # pragma: no cover - only reached if the page was registered


@pytest.mark.parametrize("user, pages, clients", [
    ("admin", 11, ["Alpha Handel GmbH", "Beta Bau AG"]),  # config/permissions.yaml: pages per role
    ("anna", 10, ["Alpha Handel GmbH"]),
    ("max", 6, ["Alpha Handel GmbH"]),
])
def test_sign_in_shows_the_roles_pages_and_clients(team_env, user, pages, clients):
    at = _sign_in(_app(), user)
    assert not at.exception, [e.value for e in at.exception]
    assert _titles(at) != [SIGN_IN]
    assert sorted(_client_options(at)) == clients
    ctx = at.session_state["_ctx"]
    assert ctx.actor == user
    from auth.roles import pages_for
    from ui import auth_gate

    assert len(pages_for(at.session_state[auth_gate._ADMITTED].role)) == pages


def test_manager_cannot_open_another_clients_url(team_env):
    at = _sign_in(_app(client="beta"), "max")
    assert _titles(at) == []  # no page ran
    assert any("not one of yours" in e.value for e in at.error)
    assert at.session_state["_ctx"].client is None if "_ctx" in at.session_state else True


def test_manager_cannot_switch_to_a_page_outside_the_role(team_env):
    at = _sign_in(_app(), "max")
    with pytest.raises(Exception):
        at.switch_page(str(ROOT / "ui" / "pages" / "settings_page.py"))


def test_admin_may_open_any_client(team_env):
    at = _sign_in(_app(client="beta"), "admin")
    assert not at.error
    assert at.session_state["_ctx"].client.slug == "beta"


def test_participant_with_a_code_sees_only_the_vote_page(team_env):
    at = _app(code="ABC123")
    assert not at.exception
    assert SIGN_IN not in _titles(at)  # the vote page (the only one registered) runs
    assert at.session_state["_ctx"].client is None and at.session_state["_ctx"].actor == ""
    assert _client_options(at) == []
    with pytest.raises(Exception):
        at.switch_page(str(ROOT / "ui" / "pages" / "scorecard_page.py"))


def test_deactivated_user_is_signed_out_on_the_next_run(team_env):
    from core.settings import load_settings
    from storage.db import connect
    from storage.users import deactivate

    at = _sign_in(_app(), "anna")
    assert _titles(at) != [SIGN_IN]
    deactivate(connect(load_settings().database_url), "anna")
    at.run()
    assert _titles(at) == [SIGN_IN]


def test_sign_out(team_env):
    at = _sign_in(_app(), "anna")
    [b for b in at.button if b.key == "sign_out"][0].click().run()
    assert _titles(at) == [SIGN_IN]
    at.run()
    assert _titles(at) == [SIGN_IN]


def test_local_mode_needs_no_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COCKPIT_DEMO", "0")
    monkeypatch.delenv("COCKPIT_TEAM_MODE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    at = _app()
    assert SIGN_IN not in _titles(at)
    assert at.session_state["_ctx"].actor == "local"


@pytest.mark.parametrize("role, page, ok", [
    ("manager", "ui/pages/assessment_page.py", False),
    ("manager", "ui/pages/kpi_page.py", True),
    ("manager", "scorecard", True),
    ("consultant", "ui/pages/settings_page.py", False),
    ("consultant", "import", True),
    ("admin", "settings", True),
])
def test_page_allowed_before_a_page_link(monkeypatch, role, page, ok):
    from auth.guard import Principal
    from auth.roles import Role
    from ui import auth_gate

    monkeypatch.setattr(auth_gate, "current_principal", lambda: Principal(1, "x", Role(role)))
    monkeypatch.setattr(auth_gate, "team_mode", lambda settings: True)
    assert auth_gate.page_allowed(page) is ok


@pytest.mark.parametrize("configured, buttons", [(False, []), (True, ["sso"])])
def test_sso_button_only_with_an_auth_section(team_env, configured, buttons):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    if configured:
        at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:1/oauth2callback", "cookie_secret": "x" * 40,
                              "client_id": "c", "client_secret": "s",
                              "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
    at.run()
    assert [b.key for b in at.button if b.key == "sso"] == buttons
    if configured:
        assert at.button(key="sso").label == "Sign in with SSO"
