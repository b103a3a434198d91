"""Team-mode sign-in is bound to the ``cockpit_session`` cookie (issue 16 item 1).

1. Replay: a user signs in in a real chromium; an attacker who learnt the Streamlit session id
   (it is in every ``/_stcore/upload_file/<session>/`` URL, so in proxy logs) connects a raw
   websocket to ``/_stcore/stream`` with that id and no cookie and asks for a rerun. The answer
   must be the sign-in page, never the signed-in page.
2. Journey: a built-in account survives a refresh, the cookie is HttpOnly, and after signing out
   a refresh shows the sign-in again; ``/media/`` answers only the signed-in browser (item 11).
"""
from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from websockets.sync.client import connect

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from tests.e2e.conftest import AppServer, wait_for_app
from tests.e2e.test_team_access import SIGN_IN, _seed
from tests.team.conftest import PASSWORDS

pytestmark = pytest.mark.browser
SIGNED_IN = "Angemeldet als"


@pytest.fixture(scope="module")
def team(tmp_path_factory, chromium_path):
    data_dir = tmp_path_factory.mktemp("cookie")
    _seed(data_dir)
    server = AppServer(data_dir, env={"COCKPIT_TEAM_MODE": "1", "COCKPIT_DEMO": "0"}).start()
    yield server
    server.stop()


def _watch_session_ids(page) -> list[str]:
    """The Streamlit session ids the page's websockets were given (as the frontend reads them)."""
    ids: list[str] = []

    def on_frame(payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            msg = ForwardMsg()
            try:
                msg.ParseFromString(bytes(payload))
            except Exception:  # noqa: BLE001 - not every frame is ours to read
                return
            if msg.HasField("new_session") and msg.new_session.initialize.session_id:
                ids.append(msg.new_session.initialize.session_id)

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return ids


def _sign_in(page, base: str, user: str) -> None:
    page.goto(base + "/")
    wait_for_app(page)
    page.get_by_text(SIGN_IN).first.wait_for()
    page.get_by_role("link", name="Mit Benutzerkonto anmelden").click()  # the form is a page of auth/web.py
    page.wait_for_url("**/account/sign-in**")
    page.get_by_label("Benutzername").fill(user)
    page.get_by_label("Passwort").fill(PASSWORDS[user])
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_timeout(500)
    wait_for_app(page)
    page.get_by_text(f"{SIGNED_IN} {user}").wait_for()


def _replay(base: str, session_id: str) -> tuple[str, bytes]:
    """Connect as the attacker: the victim's session id, no cookie, no XSRF token; send a rerun
    and return (the session id the server attached us to, every byte it sent until the run ended)."""
    host = urlsplit(base).netloc
    received: list[bytes] = []
    attached = ""
    with connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN", session_id],
                 open_timeout=10, max_size=None) as ws:
        ws.send(BackMsg(rerun_script=ClientState(query_string="", page_script_hash="")).SerializeToString())
        deadline = time.time() + 40
        while time.time() < deadline:
            try:
                data = ws.recv(timeout=max(0.1, deadline - time.time()))
            except TimeoutError:
                break
            if isinstance(data, str):
                continue
            received.append(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.HasField("new_session"):
                attached = msg.new_session.initialize.session_id or attached
            if msg.HasField("script_finished"):
                break
    return attached, b"".join(received)


def test_a_session_id_without_the_cookie_does_not_sign_in(team, page):
    ids = _watch_session_ids(page)
    _sign_in(page, team.url, "max")
    assert ids, "the page never received its session id"
    victim = ids[-1]
    attached, answer = _replay(team.url, victim)
    if not attached:  # the server sent nothing within the deadline (a loaded CI machine): one more connection
        attached, answer = _replay(team.url, victim)
    assert attached == victim  # Streamlit really re-attached the replayed session (not a fresh one)
    assert SIGNED_IN.encode() not in answer  # not the signed-in page ...
    assert SIGN_IN.encode() in answer  # ... but the sign-in: the run did happen
    assert b"Alpha Handel GmbH" not in answer


def test_account_sign_in_survives_a_refresh_and_sign_out_ends_it(team, page):
    _sign_in(page, team.url, "anna")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "cockpit_session" in cookies
    session = cookies["cockpit_session"]
    assert session["httpOnly"] is True and session["sameSite"] == "Lax" and session["path"] == "/"
    assert page.evaluate("document.cookie").find("cockpit_session") == -1  # no script can read it
    # item 11: a media URL is served to the signed-in browser only (404: passed the guard, no such file)
    media = f"{team.url}/media/0123456789abcdef.xlsx"
    assert _status(media, page) == 404
    assert _status(media) == 403
    page.reload()
    wait_for_app(page)
    page.get_by_text(f"{SIGNED_IN} anna").wait_for()
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_text(SIGN_IN).first.wait_for()
    page.reload()
    wait_for_app(page)
    page.get_by_text(SIGN_IN).first.wait_for()
    assert SIGNED_IN not in page.locator("body").inner_text()
    assert _status(media, page) == 403  # the revoked cookie opens nothing


def _status(url: str, page=None) -> int:
    """The status of a fresh GET (a new connection each time: a pooled keep-alive connection that
    the busy server closed made the check flaky), with the browser's cookies when ``page`` is given."""
    headers = {}
    if page is not None:
        headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
