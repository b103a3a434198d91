"""The cockpit's web server: Streamlit's ``st.App`` running ``app.py``, plus the team-mode sign-in
pages (``auth.web``) and a guard on downloads. ``python3 dev.py run`` starts it with
``streamlit run server.py`` (every ``--server.*`` flag and ``.streamlit/config.toml`` apply as
before: address, port, XSRF protection, upload limit, ``st.login``).

| variable | default | meaning |
| --- | --- | --- |
| COCKPIT_COOKIE_SECRET | Streamlit's ``server.cookieSecret`` | signs the sign-in forms' CSRF tokens; the same on every instance |
| COCKPIT_SECURE_COOKIES | (auto) | ``1``: cookies only over HTTPS (set it when TLS ends at a proxy); unset: Secure on HTTPS requests |

In team mode ``/media/...`` (report downloads, images) is served only to a request that carries a
valid ``cockpit_session`` cookie or Streamlit's signed ``st.login`` cookie, so a leaked media URL
is useless without the signed-in browser.
"""
from __future__ import annotations

import json
import os

import streamlit as st
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config as st_config
from streamlit.auth_util import get_cookie_with_chunks
from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

from auth import web
from auth.guard import team_mode_required
from core.errors import CockpitError
from core.settings import load_settings
from storage.db import connect
from usecases import identity


def engine() -> Engine:
    return connect(load_settings().database_url)


def cookie_secret() -> str:
    return os.environ.get("COCKPIT_COOKIE_SECRET") or str(st_config.get_option("server.cookieSecret"))


def secure_cookies() -> bool | None:
    value = (os.environ.get("COCKPIT_SECURE_COOKIES") or "").strip().lower()
    return None if not value else value in {"1", "true", "yes", "on", "ja"}


def team_mode() -> bool:
    return team_mode_required(st_config.get_option("server.address"), load_settings().team_mode)


def signed_in(cookies: dict[str, str]) -> bool:
    """Does this request carry a live sign-in: a web session of an active account, or a valid
    ``st.login`` cookie (signed by Streamlit with ``server.cookieSecret``)?"""
    token = cookies.get(web.COOKIE)
    if token and identity.by_cookie(engine(), token).principal is not None:
        return True
    secret = str(st_config.get_option("server.cookieSecret"))

    def chunk(name: str) -> bytes | None:
        raw = cookies.get(name)
        return None if raw is None else decode_signed_value(secret, name, raw.encode("latin-1"))

    raw = get_cookie_with_chunks(chunk, USER_COOKIE_NAME)
    try:
        return bool(raw) and bool(json.loads(raw).get("is_logged_in"))
    except (ValueError, AttributeError):
        return False


class MediaGuard:
    """Team mode: ``/media/`` only with a live sign-in (issue 16 item 11); everything else passes."""

    def __init__(self, app: ASGIApp, prefix: str = "/media/"):
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix) and await run_in_threadpool(team_mode):
            try:
                allowed, status = await run_in_threadpool(signed_in, dict(Request(scope).cookies)), 403
            except CockpitError:  # the database is away: refuse, and say it is not the user's fault
                allowed, status = False, 503
            if not allowed:
                await PlainTextResponse("Sign in first." if status == 403 else "Try again shortly.", status_code=status,
                                        headers={"Cache-Control": "no-store"})(scope, receive, send)
                return
        await self.app(scope, receive, send)


app = st.App("app.py",
             routes=web.routes(web.WebConfig(engine=engine, secret=cookie_secret().encode(), secure=secure_cookies(),
                                             trusted_proxies=load_settings().trusted_proxies)),
             middleware=[Middleware(MediaGuard)])
