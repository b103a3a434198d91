"""Team-mode sign-in and sign-out for built-in accounts: plain HTML pages (Starlette routes that
``server.py`` mounts beside Streamlit), so the session can live in an HttpOnly cookie.

| route | does |
| --- | --- |
| GET  /account/sign-in?lang=de&next=/scorecard | the form (German/English through ``core.i18n.t``) |
| POST /account/sign-in | CSRF check, ``storage.users.authenticate`` (throttled), a new web session, the ``cockpit_session`` cookie, 303 to ``next`` |
| GET  /account/sign-out?lang=de | a confirmation form (signing out changes state, so it is a POST) |
| POST /account/sign-out | CSRF check, revoke the web session, clear the cookie, 303 to ``/`` |

CSRF: a signed double submit. The form carries HMAC-SHA256(secret, nonce) of a random nonce that
sits in the ``cockpit_csrf`` cookie (HttpOnly, SameSite=Strict, Path=/account): another site can
neither read the nonce nor compute the HMAC, and a cookie planted by a neighbouring sub-domain
fails the HMAC. ``next`` is a path on this site or ``/``: never another host.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from html import escape
from typing import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from auth.addresses import client_address
from auth.roles import Role
from core.errors import PermissionDenied, StorageError
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from storage import web_sessions
from storage.users import LOCK_FOR, WRONG, authenticate

COOKIE = "cockpit_session"
CSRF_COOKIE = "cockpit_csrf"
SIGN_IN_PATH = "/account/sign-in"
SIGN_OUT_PATH = "/account/sign-out"
MAX_FORM_BYTES = 16_384
REFUSED_NEXT = ("/account/", "/_stcore/", "/media/")  # never bounce back into these


@dataclass(frozen=True)
class WebConfig:
    """``engine``: called per request (the database may come up after the server);
    ``secret``: signs the CSRF tokens (``COCKPIT_COOKIE_SECRET``, the same on every instance);
    ``secure``: True forces the Secure flag (TLS ends at a proxy), None sets it on HTTPS requests;
    ``trusted_proxies``: whose ``X-Forwarded-For`` names the client (``COCKPIT_TRUSTED_PROXIES``)."""

    engine: Callable[[], Engine]
    secret: bytes
    secure: bool | None = None
    trusted_proxies: tuple[str, ...] = ()


def routes(config: WebConfig) -> list[Route]:
    pages = _Pages(config)
    return [Route(SIGN_IN_PATH, pages.sign_in_form, methods=["GET"]),
            Route(SIGN_IN_PATH, pages.sign_in, methods=["POST"]),
            Route(SIGN_OUT_PATH, pages.sign_out_form, methods=["GET"]),
            Route(SIGN_OUT_PATH, pages.sign_out, methods=["POST"])]


def safe_next(value: object) -> str:
    """``value`` if it is a path on this site (``/scorecard?client=a``), else ``/``."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > 2000:
        return "/"
    if value.startswith("//") or "\\" in value or any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        return "/"  # //evil.example, /\evil.example and "/ /evil" are other hosts to a browser
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(REFUSED_NEXT):
        return "/"
    return value


class _Pages:
    def __init__(self, config: WebConfig):
        self.config = config

    async def sign_in_form(self, request: Request) -> Response:
        lang = _lang(request.query_params.get("lang"))
        return self._page(request, "sign_in", lang, safe_next(request.query_params.get("next")))

    async def sign_in(self, request: Request) -> Response:
        form = await _form(request)
        if form is None:
            return HTMLResponse("Bad request", status_code=400)
        lang, next_ = _lang(form.get("lang")), safe_next(form.get("next"))
        if not self._csrf_ok(request, form):
            return self._page(request, "sign_in", lang, next_, t("auth.form_expired", lang), 403)
        username, password = form.get("username", "")[:200], form.get("password", "")[:1024]
        try:
            user = await run_in_threadpool(authenticate, self.config.engine(), username, password,
                                           address=self._address(request))
            if user.role is Role.PARTICIPANT:  # participants join a round by code; they have no sign-in
                raise PermissionDenied(WRONG, key="auth.wrong_credentials")
            token = await run_in_threadpool(web_sessions.start, self.config.engine(), user.id,
                                            replaces=request.cookies.get(COOKIE))
        except PermissionDenied as exc:
            if exc.message == WRONG:
                return self._page(request, "sign_in", lang, next_, t("auth.wrong_credentials", lang), 401)
            minutes = int(LOCK_FOR.total_seconds() // 60)
            return self._page(request, "sign_in", lang, next_, t("auth.locked", lang, minutes=minutes), 429)
        except StorageError:
            return self._page(request, "sign_in", lang, next_, t("error.storage", lang), 503)
        response = RedirectResponse(next_, status_code=303)
        response.set_cookie(COOKIE, token, max_age=int(web_sessions.ABSOLUTE_LIMIT.total_seconds()), path="/",
                            httponly=True, samesite="lax", secure=self._secure(request))
        response.delete_cookie(CSRF_COOKIE, path="/account")
        return response

    async def sign_out_form(self, request: Request) -> Response:
        return self._page(request, "sign_out", _lang(request.query_params.get("lang")), "/")

    async def sign_out(self, request: Request) -> Response:
        form = await _form(request)
        if form is None:
            return HTMLResponse("Bad request", status_code=400)
        lang = _lang(form.get("lang"))
        if not self._csrf_ok(request, form):
            return self._page(request, "sign_out", lang, "/", t("auth.form_expired", lang), 403)
        try:
            await run_in_threadpool(web_sessions.revoke, self.config.engine(), request.cookies.get(COOKIE))
        except StorageError:
            return self._page(request, "sign_out", lang, "/", t("error.storage", lang), 503)
        response = RedirectResponse("/" + ("?lang=en" if lang == "en" else ""), status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=self._secure(request))
        response.delete_cookie(CSRF_COOKIE, path="/account")
        return response

    # -- CSRF -------------------------------------------------------------------------------------
    def _token(self, nonce: str) -> str:
        return hmac.new(self.config.secret, f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()

    def _csrf_ok(self, request: Request, form: dict[str, str]) -> bool:
        nonce, sent = request.cookies.get(CSRF_COOKIE, ""), form.get("csrf", "")
        return bool(nonce) and bool(sent) and hmac.compare_digest(self._token(nonce), sent)

    def _address(self, request: Request) -> str:
        """What the sign-in throttle counts under: the peer, or the client a trusted proxy names."""
        return client_address(request.client.host if request.client else None,
                              request.headers.get("x-forwarded-for"), self.config.trusted_proxies)

    def _secure(self, request: Request) -> bool:
        return self.config.secure if self.config.secure is not None else request.url.scheme == "https"

    # -- HTML -------------------------------------------------------------------------------------
    def _page(self, request: Request, kind: str, lang: str, next_: str, error: str = "",
              status: int = 200) -> HTMLResponse:
        nonce = request.cookies.get(CSRF_COOKIE, "")
        if not (20 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum()):
            nonce = secrets.token_urlsafe(24)
        body = (_sign_in_html if kind == "sign_in" else _sign_out_html)(lang, next_, self._token(nonce), error)
        response = HTMLResponse(body, status_code=status, headers={
            "Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                       "frame-ancestors 'none'; base-uri 'none'"})
        response.set_cookie(CSRF_COOKIE, nonce, path="/account", httponly=True, samesite="strict",
                            secure=self._secure(request))
        return response


async def _form(request: Request) -> dict[str, str] | None:
    """The url-encoded form (first value per field), at most MAX_FORM_BYTES; None when it is not one."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return {k: v[0] for k, v in fields.items()}


def _lang(value: object) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


STYLE = """
body{margin:0;font-family:"Source Sans Pro",sans-serif;color:#262730;background:#f4f8fb}
main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.6rem;margin:0 0 1.5rem}
label{display:block;margin:1rem 0 .3rem;font-size:.95rem}
input{box-sizing:border-box;width:100%;padding:.55rem .7rem;font-size:1rem;border:1px solid #d0d4dc;
border-radius:.4rem;background:#f4f8fb}
input:focus{outline:2px solid #1f4e79;background:#fff}
button{margin-top:1.5rem;padding:.55rem 1.4rem;font-size:1rem;color:#fff;background:#1f4e79;border:0;
border-radius:.4rem;cursor:pointer}
.error{margin:0 0 1rem;padding:.7rem 1rem;border-radius:.4rem;background:#fde8e8;color:#7d1a1a}
nav{margin-top:1.5rem;display:flex;justify-content:space-between;font-size:.9rem}
a{color:#1f4e79}
"""


def _html(lang: str, title: str, content: str, error: str, links: str) -> str:
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
            f"<h1>{escape(title)}</h1>{alert}{content}<nav>{links}</nav></main></body></html>")


def _hidden(**fields: str) -> str:
    return "".join(f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in fields.items())


def _sign_in_html(lang: str, next_: str, csrf: str, error: str) -> str:
    other = "en" if lang == "de" else "de"
    form = (f'<form method="post" action="{SIGN_IN_PATH}">{_hidden(csrf=csrf, next=next_, lang=lang)}'
            f'<label for="username">{escape(t("auth.username", lang))}</label>'
            f'<input id="username" name="username" autocomplete="username" maxlength="120" required autofocus>'
            f'<label for="password">{escape(t("auth.password", lang))}</label>'
            f'<input id="password" name="password" type="password" autocomplete="current-password" required>'
            f'<button type="submit">{escape(t("auth.sign_in", lang))}</button></form>')
    links = (f'<a href="{escape(next_)}">{escape(t("auth.back_to_app", lang))}</a>'
             f'<a href="{SIGN_IN_PATH}?{escape(urlencode({"lang": other, "next": next_}))}" hreflang="{other}">'
             f'{escape(t("auth.other_language", lang))}</a>')
    return _html(lang, t("auth.sign_in_title", lang), form, error, links)


def _sign_out_html(lang: str, next_: str, csrf: str, error: str) -> str:
    form = (f'<p>{escape(t("auth.sign_out_confirm", lang))}</p>'
            f'<form method="post" action="{SIGN_OUT_PATH}">{_hidden(csrf=csrf, lang=lang)}'
            f'<button type="submit">{escape(t("auth.sign_out", lang))}</button></form>')
    back = f'<a href="/{"?lang=en" if lang == "en" else ""}">{escape(t("auth.back_to_app", lang))}</a>'
    return _html(lang, t("auth.sign_out", lang), form, error, back)
