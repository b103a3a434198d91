"""Who may use this session, and which pages and clients they see (team mode).

The shell calls ``gate(...)`` on every run. Team mode is on when ``COCKPIT_TEAM_MODE`` says so or
the server listens beyond this machine (``auth.guard.team_mode_required``). Then:

- signed out: only the sign-in page is registered (any other URL renders the sign-in);
- signed out but arriving with a join code (``?code=``) or a participant token (``?p=``): only the
  vote page, which handles the join itself;
- signed in: only the pages of the role (``auth.roles.pages_for``); the client in the URL must be
  one of ``visible_clients`` or the page is refused.

Who is signed in is decided on every run from what the browser sent with *this* connection
(``st.context`` follows the websocket that asked for the run):

- the ``cockpit_session`` cookie (HttpOnly; set by the sign-in page ``auth.web``) names a web
  session (``usecases.identity.by_cookie``: not revoked, not idle, not too old), whose account is
  re-read; or
- Streamlit's signed ``st.login`` cookie (``st.user``) names an identity-provider subject, whose
  account is re-read (``storage.oidc_users.oidc_user``).

Nothing in ``st.session_state`` signs anyone in: a client that reconnects to a known Streamlit
session id without the cookie gets the sign-in page (tests/e2e/test_session_cookie.py). Because
every run re-reads the account, a deactivation or a changed role or client assignment takes
effect at the next click; fragments that rerun on their own call ``still_allowed()`` first.

Tests (AppTest cannot send cookies): with ``COCKPIT_TESTING=1`` *and* under AppTest's mock
runtime, ``at.session_state["_test_user"] = "anna"`` signs in that account, re-read every run like
a cookie's (``testing_user``, the one place that checks). A real server never runs the mock
runtime, so the variable alone opens nothing.
"""
from __future__ import annotations

import hashlib
import os
import runpy
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime import Runtime

from auth import web
from auth.guard import Principal, team_mode_required, visible_clients
from auth.roles import PAGES, pages_for
from core.errors import PermissionDenied
from core.i18n import Term, t
from core.settings import Settings, load_settings
from ui import state
from usecases import identity
from usecases.admin import Client

COOKIE = web.COOKIE
OIDC_ERROR = "_auth_oidc_error"
EXPIRED = "_auth_expired"
PARTICIPANT_PARAMS = ("code", "p")
TESTING_ENV = "COCKPIT_TESTING"
TEST_USER = "_test_user"      # session_state, honoured only by testing_user()
_CHECKED = "_auth_checked"    # session_state: (fingerprint of the credentials, monotonic time, Principal | None)
_ADMITTED = "_auth_admitted"  # session_state: whom the last full run let in (fragments compare)
RECHECK_AFTER = 1.0           # seconds a check is reused for the same credentials (fragments every 2 s)


@dataclass(frozen=True)
class Gate:
    """What this run may show: ``pages`` (url paths, navigation order), the principal (None when
    signed out or a participant arriving by code), and the mode."""

    team_mode: bool
    principal: Principal | None
    pages: tuple[str, ...]

    @property
    def actor(self) -> str:
        return self.principal.username if self.principal else ""


def _apptest() -> bool:
    """AppTest installs a mock runtime instead of a server."""
    return Runtime._instance is not None and type(Runtime._instance) is not Runtime


def listen_address() -> str | None:
    """Streamlit's ``server.address``; AppTest runs without a server, which counts as loopback."""
    address = st.config.get_option("server.address")
    if not address and _apptest():
        return "127.0.0.1"  # nothing listens on any interface
    return address


def team_mode(settings: Settings) -> bool:
    return team_mode_required(listen_address(), settings.team_mode)


def gate(engine: Engine, settings: Settings) -> Gate:
    """Decide who this session is and what it may see (reads the session and account from the database)."""
    if not team_mode(settings):
        return Gate(False, Principal.local(), PAGES)
    principal = _identify(engine, fresh=True)
    st.session_state[_ADMITTED] = principal
    if principal is None:
        if any(st.query_params.get(k) for k in PARTICIPANT_PARAMS):
            return Gate(True, None, ("vote",))
        return Gate(True, None, ("login",))
    pages = tuple(p for p in pages_for(principal.role) if p in PAGES)
    if not pages:
        raise PermissionDenied(f"The role {principal.role.value!r} has no pages.",
                               hint="config/permissions.yaml lists the pages of each role", key="denied.no_pages",
                               hint_key="denied.no_pages_hint", values={"role": Term(f"auth.role.{principal.role.value}")})
    return Gate(True, principal, pages)


def current_principal() -> Principal | None:
    """For pages: the signed-in principal (``Principal.local()`` outside team mode; None when
    nobody is signed in). Pass it to ``auth.guard.require`` before reading client data."""
    if not team_mode(load_settings()):
        return Principal.local()
    return _identify(state.engine(), fresh=False)


def still_allowed() -> bool:
    """For fragments that rerun by themselves (``run_every``): is whoever the last full run let in
    still signed in on this connection, with the same account and role, and may they still see the
    page's client? Checked against the cookie and the account, reused for about a second."""
    if not team_mode(load_settings()):
        return True
    admitted = st.session_state.get(_ADMITTED)
    if admitted is None:  # signed out, or a participant by code: nothing account-bound is shown
        return True
    now = _identify(state.engine(), fresh=False)
    if now is None or now.user_id != admitted.user_id or now.role is not admitted.role:
        return False
    client = getattr(st.session_state.get("_ctx"), "client", None)
    return client is None or now.may_see(client.id)


def sign_in_url(lang: str) -> str:
    """The sign-in page (``auth.web``), returning to the address this run shows."""
    path = urlsplit(st.context.url or "/").path or "/"
    query = urlencode([(k, v) for k, v in st.query_params.to_dict().items()])
    return f"{web.SIGN_IN_PATH}?{urlencode({'lang': lang, 'next': path + ('?' + query if query else '')})}"


def sign_out() -> None:
    """End the session: revoke the web session behind the cookie (every tab with that cookie is
    signed out at its next run); an identity-provider session is ended through ``st.logout``."""
    for key in (OIDC_ERROR, _CHECKED, _ADMITTED, TEST_USER):
        st.session_state.pop(key, None)
    token = _cookie()
    if token:
        identity.sign_out(state.engine(), token)
    if _oidc_logged_in():
        st.logout()
    else:
        st.rerun()


def oidc_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` (or ~/.streamlit) has an ``[auth]`` section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all, or an unreadable one
        return False


def choose_client(gate_: Gate, clients: list[Client], requested: str | None) -> list[Client]:
    """The clients the selector offers. A client in the URL that the principal may not see is
    refused with PermissionDenied (the same message whether it exists or not)."""
    if not gate_.team_mode:
        return clients
    if gate_.principal is None:  # signed out or a participant by code: no client list at all
        return []
    visible = visible_clients(gate_.principal, clients)
    if requested and requested not in {c.slug for c in visible}:
        raise PermissionDenied(f"The client {requested!r} is not one of yours.",
                               hint="pick one of your clients in the sidebar", key="denied.not_your_client",
                               hint_key="denied.not_your_client_hint", values={"client": requested})
    return visible


def page_allowed(page: str) -> bool:
    """May this session open ``page`` (``ui/pages/scorecard_page.py`` or the url path ``scorecard``)?
    Check it before ``st.page_link``: a link to a page the role does not have is not registered."""
    name = page.rsplit("/", 1)[-1].removesuffix(".py").removesuffix("_page")
    name = {"kpi": "kpis"}.get(name, name)
    principal = current_principal()
    if principal is None:
        return False
    return not team_mode(load_settings()) or name in pages_for(principal.role)


def single_page(registry: dict, only: str, lang: str) -> list:
    """The navigation of a restricted session: the page ``only`` (default) plus, under every other
    page's address, the same page again. So ``/scorecard`` shows the sign-in (no "page not found",
    and the address survives the sign-in) and never the scorecard."""
    entries = [e for section in registry.values() for e in section]
    path, key, icon, _url = next(e for e in entries if e[3] == only)
    script = Path(__file__).resolve().parent.parent / path
    pages = [st.Page(path, title=t(key, lang), icon=icon, url_path=only, default=True)]
    for *_rest, url in entries:
        if url != only:
            pages.append(st.Page(_alias(script, url), title=t(key, lang), icon=icon, url_path=url))
    return pages


def _alias(script: Path, url: str):
    def page() -> None:
        runpy.run_path(str(script), run_name="__page__")

    page.__name__ = page.__qualname__ = f"{script.stem}_as_{url}"
    return page


def testing_user() -> str | None:
    """The account name a test put into ``session_state[TEST_USER]``, honoured only with
    ``COCKPIT_TESTING=1`` under AppTest (never by a real server); else None."""
    if os.environ.get(TESTING_ENV) != "1" or not _apptest():
        return None
    name = st.session_state.get(TEST_USER)
    return name if isinstance(name, str) and name else None


# -- the check ---------------------------------------------------------------------------------
def _identify(engine: Engine, fresh: bool) -> Principal | None:
    """The principal this connection's credentials name; ``fresh=False`` reuses a check of the
    same credentials made within RECHECK_AFTER seconds."""
    token, subject, tester = _cookie(), _oidc_subject(), testing_user()
    fingerprint = hashlib.sha256(f"{token}\0{subject}\0{tester}".encode()).hexdigest()
    checked = st.session_state.get(_CHECKED)
    if not fresh and checked and checked[0] == fingerprint and time.monotonic() - checked[1] < RECHECK_AFTER:
        return checked[2]
    principal = None
    if tester:
        principal = identity.by_name(engine, tester)
    elif token:
        principal = _cookie_principal(engine, token)
    if principal is None and subject:
        principal = _oidc_principal(engine)
    elif not subject:
        st.session_state.pop(OIDC_ERROR, None)
    st.session_state[_CHECKED] = (fingerprint, time.monotonic(), principal)
    return principal


def _cookie_principal(engine: Engine, token: str) -> Principal | None:
    found = identity.by_cookie(engine, token)
    if found.expired:
        st.session_state[EXPIRED] = True  # the sign-in page says "please sign in again"
    return found.principal


def _oidc_principal(engine: Engine) -> Principal | None:
    try:
        principal = identity.by_identity_provider(engine, st.user.to_dict())
    except PermissionDenied as exc:
        st.session_state[OIDC_ERROR] = exc  # shown in the user's language
        return None
    st.session_state.pop(OIDC_ERROR, None)
    return principal


def _cookie() -> str:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no client context (a script run without a connection)
        return ""
    return value if isinstance(value, str) else ""


def _oidc_logged_in() -> bool:
    if not oidc_configured():
        return False
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def _oidc_subject() -> str:
    if not _oidc_logged_in():
        return ""
    return str(st.user.to_dict().get("sub") or "")
