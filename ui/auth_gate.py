"""Who may use this session, and which pages and clients they see (team mode).

The shell calls ``gate(...)`` on every run. Team mode is on when ``COCKPIT_TEAM_MODE`` says so or
the server listens beyond this machine (``auth.guard.team_mode_required``). Then:

- signed out: only the sign-in page is registered (any other URL renders the sign-in);
- signed out but arriving with a join code (``?code=``) or a participant token (``?p=``): only the
  vote page, which handles the join itself;
- signed in: only the pages of the role (``auth.roles.pages_for``); the client in the URL must be
  one of ``visible_clients`` or the page is refused.

The principal of a built-in account lives only in ``st.session_state`` (server side, never sent to
the browser); a browser refresh starts a new session and asks for the password again (see
docs/team-mode.md "Sessions"). Every run re-reads the account, so a deactivation or a changed role
or client assignment takes effect at once. Sessions end after ``IDLE_LIMIT`` without activity and
after ``ABSOLUTE_LIMIT`` in any case. An identity-provider sign-in (``st.login``) keeps Streamlit's
own signed, HTTP-only cookie and survives a refresh.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

import streamlit as st
from sqlalchemy import Engine

from auth.guard import Principal, team_mode_required, visible_clients
from auth.roles import PAGES, Role, pages_for
from core.errors import PermissionDenied
from core.settings import Settings
from storage.clients import Client

KEY = "_auth"              # session_state: the SignedIn record
OIDC_ERROR = "_auth_oidc_error"
EXPIRED = "_auth_expired"
IDLE_LIMIT = timedelta(hours=2)
ABSOLUTE_LIMIT = timedelta(hours=12)
PARTICIPANT_PARAMS = ("code", "p")


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    method: str  # "password" | "oidc"
    since: datetime
    last_seen: datetime


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


def listen_address() -> str | None:
    """Streamlit's ``server.address``; AppTest runs without a server, which counts as loopback."""
    from streamlit.runtime import Runtime

    address = st.config.get_option("server.address")
    if not address and Runtime._instance is not None and type(Runtime._instance) is not Runtime:
        return "127.0.0.1"  # AppTest installs a mock runtime: nothing listens on any interface
    return address


def team_mode(settings: Settings) -> bool:
    return team_mode_required(listen_address(), settings.team_mode)


def gate(engine: Engine, settings: Settings) -> Gate:
    """Decide who this session is and what it may see (reads the account from the database)."""
    if not team_mode(settings):
        return Gate(False, Principal.local(), PAGES)
    signed = _refresh(engine, st.session_state.get(KEY))
    if signed is None:
        signed = _oidc_sign_in(engine)
    if signed is None:
        st.session_state.pop(KEY, None)
        if any(st.query_params.get(k) for k in PARTICIPANT_PARAMS):
            return Gate(True, None, ("vote",))
        return Gate(True, None, ("login",))
    st.session_state[KEY] = signed
    pages = tuple(p for p in pages_for(signed.principal.role) if p in PAGES)
    if not pages:
        raise PermissionDenied(f"The role {signed.principal.role.value!r} has no pages.",
                               hint="config/permissions.yaml lists the pages of each role")
    return Gate(True, signed.principal, pages)


def single_page(registry: dict, only: str, lang: str) -> list:
    """The navigation of a restricted session: the page ``only`` (default) plus, under every other
    page's address, the same page again. So ``/scorecard`` shows the sign-in (no "page not found",
    and the address survives the sign-in) and never the scorecard."""
    from pathlib import Path

    from core.i18n import t

    entries = [e for section in registry.values() for e in section]
    path, key, icon, _url = next(e for e in entries if e[3] == only)
    script = Path(__file__).resolve().parent.parent / path
    pages = [st.Page(path, title=t(key, lang), icon=icon, url_path=only, default=True)]
    for *_rest, url in entries:
        if url != only:
            pages.append(st.Page(_alias(script, url), title=t(key, lang), icon=icon, url_path=url))
    return pages


def _alias(script, url: str):
    def page() -> None:
        import runpy

        runpy.run_path(str(script), run_name="__page__")

    page.__name__ = page.__qualname__ = f"{script.stem}_as_{url}"
    return page


def page_allowed(page: str) -> bool:
    """May this session open ``page`` (``ui/pages/scorecard_page.py`` or the url path ``scorecard``)?
    Check it before ``st.page_link``: a link to a page the role does not have is not registered."""
    name = page.rsplit("/", 1)[-1].removesuffix(".py").removesuffix("_page")
    name = {"kpi": "kpis"}.get(name, name)
    principal = current_principal()
    if principal is None:
        return False
    from core.settings import load_settings

    return not team_mode(load_settings()) or name in pages_for(principal.role)


def current_principal() -> Principal | None:
    """For pages: the signed-in principal (``Principal.local()`` outside team mode; None when
    nobody is signed in). Pass it to ``auth.guard.require`` before reading client data."""
    signed = st.session_state.get(KEY)
    if signed is not None:
        return signed.principal
    from core.settings import load_settings

    return None if team_mode(load_settings()) else Principal.local()


def sign_in_with_password(engine: Engine, username: str, password: str) -> Principal:
    """Check the password (throttled by storage.users.authenticate); PermissionDenied otherwise."""
    from storage.users import authenticate

    user = authenticate(engine, username, password, address=_address())
    if user.role is Role.PARTICIPANT:  # participants have no account; never sign one in
        raise PermissionDenied("Wrong user name or password.")
    now = _now()
    st.session_state[KEY] = SignedIn(user.principal(), "password", now, now)
    st.session_state.pop(EXPIRED, None)
    return user.principal()


def sign_out() -> None:
    """End the session; an identity-provider session is ended through ``st.logout``."""
    signed = st.session_state.pop(KEY, None)
    st.session_state.pop(OIDC_ERROR, None)
    if (signed is not None and signed.method == "oidc") or _oidc_logged_in():
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
                               hint="pick one of your clients in the sidebar")
    return visible


def _refresh(engine: Engine, signed: SignedIn | None) -> SignedIn | None:
    if signed is None:
        return None
    now = _now()
    if now - signed.last_seen > IDLE_LIMIT or now - signed.since > ABSOLUTE_LIMIT:
        st.session_state[EXPIRED] = True
        return None
    if signed.method == "oidc" and not _oidc_logged_in():
        return None
    from storage.users import get_user

    user = get_user(engine, signed.principal.user_id) if signed.principal.user_id is not None else None
    if user is None or not user.active:
        return None
    return replace(signed, principal=user.principal(), last_seen=now)


def _oidc_logged_in() -> bool:
    if not oidc_configured():
        return False
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def _oidc_sign_in(engine: Engine) -> SignedIn | None:
    if not _oidc_logged_in():
        st.session_state.pop(OIDC_ERROR, None)
        return None
    from storage.users import oidc_user

    claims = st.user.to_dict()
    groups = claims.get("groups") or []
    try:
        user = oidc_user(engine, str(claims.get("sub") or ""), claims.get("email"), str(claims.get("name") or ""),
                         groups if isinstance(groups, list) else [str(groups)])
    except PermissionDenied as exc:
        st.session_state[OIDC_ERROR] = exc.message
        return None
    st.session_state.pop(OIDC_ERROR, None)
    now = _now()
    return SignedIn(user.principal(), "oidc", now, now)


def _address() -> str:
    try:
        ip = st.context.ip_address
    except Exception:
        return ""
    return ip if isinstance(ip, str) else ""


def _now() -> datetime:
    return datetime.now(timezone.utc)
