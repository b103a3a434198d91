"""The sign-in and sign-out routes (auth/web.py) through Starlette's TestClient, on a real database."""
from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from auth import web
from storage import web_sessions
from storage.users import create_user

PASSWORD = "anna passphrase 1"


@pytest.fixture
def anna(engine, fast_hasher):
    return create_user(engine, "anna", "consultant", password=PASSWORD)


def _client(engine, secure=None, base_url="http://testserver", trusted=(), peer="testclient") -> TestClient:
    config = web.WebConfig(engine=lambda: engine, secret=b"s" * 32, secure=secure, trusted_proxies=trusted)
    return TestClient(Starlette(routes=web.routes(config)), base_url=base_url, follow_redirects=False,
                      client=(peer, 50000))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)


def _sign_in(client, username="anna", password=PASSWORD, next_="/", csrf=None, lang="de"):
    form = client.get(web.SIGN_IN_PATH, params={"lang": lang, "next": next_})
    assert form.status_code == 200
    return client.post(web.SIGN_IN_PATH, data={"username": username, "password": password, "next": next_,
                                               "lang": lang, "csrf": _csrf(form.text) if csrf is None else csrf})


def _set_cookie(response, name: str) -> str:
    return next((h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")), "")


def test_the_form_is_translated(engine, anna):
    client = _client(engine)
    de, en = client.get(web.SIGN_IN_PATH), client.get(web.SIGN_IN_PATH, params={"lang": "en"})
    assert "Anmeldung zum CRM-Cockpit" in de.text and ">Benutzername<" in de.text and ">Passwort<" in de.text
    assert "Sign in to the CRM Cockpit" in en.text and ">User name<" in en.text and 'lang="en"' in en.text
    assert de.headers["cache-control"] == "no-store" and "frame-ancestors 'none'" in de.headers["content-security-policy"]
    csrf_cookie = _set_cookie(de, web.CSRF_COOKIE).lower()
    assert "httponly" in csrf_cookie and "samesite=strict" in csrf_cookie and "path=/account" in csrf_cookie


def test_right_password_sets_an_httponly_session_cookie_and_redirects(engine, anna):
    client = _client(engine)
    answer = _sign_in(client, next_="/scorecard?client=alpha&lang=en")
    assert answer.status_code == 303 and answer.headers["location"] == "/scorecard?client=alpha&lang=en"
    cookie = _set_cookie(answer, web.COOKIE)
    attrs = {a.strip().split("=")[0].lower(): a for a in cookie.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= set(attrs)
    assert attrs["samesite"].strip().lower() == "samesite=lax" and attrs["path"].strip() == "Path=/"
    assert "secure" not in attrs  # plain HTTP here
    token = cookie.split(";")[0].split("=", 1)[1]
    assert web_sessions.active(engine, token).user_id == anna.id


def test_the_cookie_is_secure_on_https(engine, anna):
    answer = _sign_in(_client(engine, base_url="https://testserver"))
    assert "secure" in _set_cookie(answer, web.COOKIE).lower()


def test_the_setting_forces_secure_when_tls_ends_at_a_proxy(engine, anna):
    """The app sees http, the browser speaks https to the proxy and sends the Secure cookies back."""
    client = _client(engine, secure=True)
    form = client.get(web.SIGN_IN_PATH)
    assert "secure" in _set_cookie(form, web.CSRF_COOKIE).lower()
    client.cookies.set(web.CSRF_COOKIE, _set_cookie(form, web.CSRF_COOKIE).split(";")[0].split("=", 1)[1],
                       path="/account")  # what the browser does over https
    answer = client.post(web.SIGN_IN_PATH, data={"username": "anna", "password": PASSWORD, "csrf": _csrf(form.text)})
    assert answer.status_code == 303 and "secure" in _set_cookie(answer, web.COOKIE).lower()


@pytest.mark.parametrize("csrf", ["", "0" * 64, "not a token"])
def test_a_post_without_the_matching_csrf_token_is_refused(engine, anna, csrf):
    client = _client(engine)
    answer = _sign_in(client, csrf=csrf)
    assert answer.status_code == 403
    assert "Das Formular ist abgelaufen" in answer.text and _csrf(answer.text)  # the form again, fresh token
    assert not _set_cookie(answer, web.COOKIE)


def test_a_cross_site_post_without_the_csrf_cookie_is_refused(engine, anna):
    token = _csrf(_client(engine).get(web.SIGN_IN_PATH).text)  # a valid-looking token from another browser
    answer = _client(engine).post(web.SIGN_IN_PATH, data={"username": "anna", "password": PASSWORD, "csrf": token})
    assert answer.status_code == 403 and not _set_cookie(answer, web.COOKIE)


def test_a_planted_csrf_cookie_does_not_help_without_the_secret(engine, anna):
    client = _client(engine)
    client.cookies.set(web.CSRF_COOKIE, "attacker-chosen-nonce-1234", path="/account")
    answer = client.post(web.SIGN_IN_PATH, data={"username": "anna", "password": PASSWORD,
                                                 "csrf": "attacker-chosen-nonce-1234"})
    assert answer.status_code == 403 and not _set_cookie(answer, web.COOKIE)


@pytest.mark.parametrize("next_", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/evil.example",
                                   "/\t/evil.example", "javascript:alert(1)", "evil.example", "/account/sign-out",
                                   "/_stcore/stream", "/ok" + "x" * 3000])
def test_no_open_redirect(engine, anna, next_):
    answer = _sign_in(_client(engine), next_=next_)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_next_is_escaped_in_the_form(engine, anna):
    page = _client(engine).get(web.SIGN_IN_PATH, params={"next": '/x"><script>alert(1)</script>'})
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


def test_wrong_password_sets_no_cookie(engine, anna):
    answer = _sign_in(_client(engine), password="not the password!")
    assert answer.status_code == 401
    assert "Benutzername oder Passwort ist falsch." in answer.text
    assert not _set_cookie(answer, web.COOKIE)
    assert 'value="anna"' not in answer.text  # nothing typed is echoed back


def test_unknown_user_gets_the_same_message(engine, anna):
    answer = _sign_in(_client(engine), username="nobody-here", lang="en")
    assert answer.status_code == 401 and "Wrong user name or password." in answer.text


def test_locked_account_says_so_even_with_the_right_password(engine, anna):
    client = _client(engine)
    for _ in range(5):
        assert _sign_in(client, password="not the password!").status_code == 401
    answer = _sign_in(client)
    assert answer.status_code == 429
    assert "Das Konto ist vorübergehend gesperrt" in answer.text and "15 Minuten" in answer.text
    assert not _set_cookie(answer, web.COOKIE)


def test_a_new_sign_in_revokes_the_old_session(engine, anna):
    client = _client(engine)
    first = _set_cookie(_sign_in(client), web.COOKIE).split(";")[0].split("=", 1)[1]
    client.cookies.set(web.COOKIE, first)
    second = _set_cookie(_sign_in(client), web.COOKIE).split(";")[0].split("=", 1)[1]
    assert web_sessions.active(engine, first) is None and web_sessions.active(engine, second) is not None


def test_sign_out_revokes_and_clears_the_cookie(engine, anna):
    client = _client(engine)
    token = _set_cookie(_sign_in(client), web.COOKIE).split(";")[0].split("=", 1)[1]
    client.cookies.set(web.COOKIE, token)
    form = client.get(web.SIGN_OUT_PATH, params={"lang": "en"})
    assert "Sign out of the CRM Cockpit?" in form.text
    answer = client.post(web.SIGN_OUT_PATH, data={"csrf": _csrf(form.text), "lang": "en"})
    assert answer.status_code == 303 and answer.headers["location"] == "/?lang=en"
    cleared = _set_cookie(answer, web.COOKIE).lower()
    assert "max-age=0" in cleared and "path=/" in cleared
    assert web_sessions.active(engine, token) is None


def test_sign_out_without_csrf_is_refused_and_keeps_the_session(engine, anna):
    client = _client(engine)
    token = _set_cookie(_sign_in(client), web.COOKIE).split(";")[0].split("=", 1)[1]
    client.cookies.set(web.COOKIE, token)
    answer = client.post(web.SIGN_OUT_PATH, data={"lang": "de"})
    assert answer.status_code == 403 and web_sessions.active(engine, token) is not None


@pytest.mark.parametrize("body, content_type", [
    ("username=a&password=" + "x" * 20_000, "application/x-www-form-urlencoded"),
    ('{"username": "anna"}', "application/json"),
    ("&".join(f"f{i}=1" for i in range(50)), "application/x-www-form-urlencoded"),
])
def test_oversized_or_foreign_bodies_are_refused(engine, anna, body, content_type):
    answer = _client(engine).post(web.SIGN_IN_PATH, content=body, headers={"content-type": content_type})
    assert answer.status_code == 400 and not _set_cookie(answer, web.COOKIE)


@pytest.mark.parametrize("value, expected", [("/", "/"), ("/scorecard?client=a", "/scorecard?client=a"),
                                             (None, "/"), ("", "/"), (42, "/")])
def test_safe_next(value, expected):
    assert web.safe_next(value) == expected


@pytest.mark.parametrize("trusted, counted", [(("10.0.0.0/8",), "203.0.113.9"), ((), "10.0.0.5")])
def test_the_throttle_counts_the_address_a_trusted_proxy_names(engine, anna, trusted, counted):
    from sqlalchemy import select

    from storage.schema import rate_events

    client = _client(engine, trusted=trusted, peer="10.0.0.5")
    client.headers["x-forwarded-for"] = "198.51.100.1, 203.0.113.9"  # the left hop is the client's own claim
    assert _sign_in(client, password="not the password!").status_code == 401
    with engine.connect() as conn:
        keys = set(conn.execute(select(rate_events.c.key)).scalars())
    assert f"login:addr:{counted}" in keys and not any("198.51.100.1" in k for k in keys)
