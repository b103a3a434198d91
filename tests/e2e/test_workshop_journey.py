"""Issue 3, must-show 4: a live workshop in a real browser.

The facilitator opens the presentation view; two participants join from their own (phone-sized)
browser sessions with the join code and vote on the current question; the facilitator's live panel
shows both votes within a few seconds; the facilitator sets the consensus and a rationale and
reloads the page - the consensus, the rationale and both votes are still there, on the page and in
the database.

Issue 14 item 4: a participant the facilitator registered joins with the code and that name; a
second device with the same name is refused; the personal links reach the facilitator only, on a
printable sheet that already carries the claimed name's new link.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import AppServer, local_page, screenshot_dir, wait_for_app

pytestmark = pytest.mark.browser
RATIONALE = "Ziele sind dokumentiert, KPIs fehlen noch"


@pytest.fixture
def server(tmp_path, chromium_path):
    app = AppServer(tmp_path / "app").start()
    yield app
    app.stop()


def _try_join(browser, url: str, code: str, name: str):
    phone = local_page(browser, 390, 844, is_mobile=True)
    phone.goto(f"{url}/vote?code={code}")
    wait_for_app(phone)
    expect(phone.get_by_label("Code")).to_have_value(code)  # prefilled from the link
    phone.get_by_label("Ihr Name").fill(name)
    phone.get_by_role("button", name="Teilnehmen").click()
    return phone


def _join(browser, url: str, code: str, name: str):
    phone = _try_join(browser, url, code, name)
    phone.get_by_text(f"Hallo {name}").wait_for()
    assert "p=" in phone.url  # the identity survives a refresh
    return phone.context, phone


def _vote(phone, label: str) -> None:
    phone.locator("button", has_text=label).first.click()
    phone.get_by_text(f"Ihre Stimme ist gespeichert: {label}").wait_for(timeout=15_000)


def _database(server: AppServer):
    from storage.assessments import list_rounds, ratings_frame, votes_frame
    from storage.clients import list_clients
    from storage.db import connect

    engine = connect(f"sqlite:///{server.data_dir / 'cockpit.db'}")
    client = list_clients(engine)[0]
    rnd = next(r for r in list_rounds(engine, client.id) if r.status == "open")
    return votes_frame(engine, client.id, rnd.id), ratings_frame(engine, client.id, rnd.id), rnd


def test_facilitator_and_two_participants_run_a_question(server, browser):
    fac = local_page(browser)
    facilitator = fac.context
    fac.goto(f"{server.url}/workshop")
    wait_for_app(fac)
    code = fac.locator(".ws-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    fac.get_by_text("Frage 1 von").first.wait_for()

    phones = [_join(browser, server.url, code, name) for name in ("Anna Test", "Ben Test")]
    _vote(phones[0][1], "1 · Initial")
    _vote(phones[1][1], "5 · Optimierend")
    phones[1][1].screenshot(path="/tmp/vote.png")

    # the live panel re-reads the votes every two seconds
    fac.get_by_text("Anna Test → 1 · Initial").wait_for(timeout=10_000)
    fac.get_by_text("Ben Test → 5 · Optimierend").wait_for(timeout=10_000)
    expect(fac.get_by_text("6 von 6 haben abgestimmt")).to_be_visible()
    expect(fac.get_by_text("Die Meinungen gehen auseinander")).to_be_visible()  # spread 4

    fac.locator("button", has_text="3 · Definiert").first.click()
    # the pick is taken when its card turns primary (not when a 'running' badge happens to be gone)
    fac.locator("[data-testid='stBaseButton-primary']", has_text="3 · Definiert").first.wait_for()
    rationale = fac.get_by_label("Begründung des Konsenses")
    rationale.fill(RATIONALE)
    rationale.press("Control+Enter")
    wait_for_app(fac)
    fac.get_by_role("button", name="Konsens speichern").click()
    # the saved state read back from the database, then the confirmation, which stays until replaced
    fac.get_by_text("Gespeicherter Konsens: 3 · Definiert").wait_for()
    expect(fac.get_by_text("Konsens gespeichert: 3 · Definiert")).to_be_visible()
    fac.set_viewport_size({"width": 1400, "height": 1700})
    fac.locator("[data-testid='stMain']").evaluate("e => e.scrollTo(0, 0)")
    fac.wait_for_timeout(500)
    fac.screenshot(path="/tmp/workshop.png")

    fac.reload()
    wait_for_app(fac)
    fac.get_by_text("Gespeicherter Konsens: 3 · Definiert").wait_for()
    expect(fac.get_by_label("Begründung des Konsenses")).to_have_value(RATIONALE, timeout=30_000)
    fac.get_by_text("Anna Test → 1 · Initial").wait_for(timeout=30_000)
    fac.get_by_text("Ben Test → 5 · Optimierend").wait_for(timeout=30_000)

    votes, ratings, rnd = _database(server)
    qid = rnd.current_question_id
    mine = votes[votes["question_id"] == qid].set_index("participant")["value"]
    assert (mine["Anna Test"], mine["Ben Test"]) == (1.0, 5.0)
    saved = ratings.set_index("question_id").loc[qid]
    assert (saved["value"], saved["rationale"]) == (3.0, RATIONALE)

    # a participant's refresh keeps the identity and shows the stored vote
    phones[0][1].reload()
    wait_for_app(phones[0][1])
    phones[0][1].get_by_text("Ihre Stimme ist gespeichert: 1 · Initial").wait_for()

    # keyboard: the right arrow moves on; the participants' phones follow within a few seconds
    fac.locator(".ws-question").click()  # focus on the page, not in a text field
    fac.keyboard.press("ArrowRight")
    fac.get_by_text("Frage 2 von").first.wait_for()
    second = _database(server)[2].current_question_id
    assert second != qid
    phones[1][1].get_by_text("Frage 2 von").first.wait_for(timeout=30_000)
    for ctx, _ in phones:
        ctx.close()
    facilitator.close()


def test_a_registered_name_joins_with_the_code_once_and_its_link_reaches_the_facilitator_only(server, browser, tmp_path):
    fac = local_page(browser)
    fac.goto(f"{server.url}/workshop")
    wait_for_app(fac)
    code = fac.locator(".ws-code").inner_text().strip()
    _votes, _ratings, rnd = _database(server)
    engine_people = _people(server, rnd)
    printed = engine_people["Anna Becker"].token  # the link the facilitator could have printed before

    ctx, phone = _join(browser, server.url, code, "Anna Becker")  # registered by the facilitator
    phone.get_by_text("Frage 1 von").first.wait_for()
    phone.screenshot(path=str(screenshot_dir(tmp_path) / "vote-registered-name.png"))
    claimed = _people(server, rnd)["Anna Becker"]
    assert claimed.id == engine_people["Anna Becker"].id and claimed.claimed_at is not None
    assert f"p={claimed.token}" in phone.url and claimed.token != printed

    other = _try_join(browser, server.url, code, "anna becker")  # a second device, the same name
    other.get_by_text("schon vergeben").wait_for()
    expect(other.get_by_text("Hallo Anna Becker")).to_have_count(0)
    assert "p=" not in other.url
    assert len(_people(server, rnd)) == 4  # nobody was added

    fac.get_by_text("Persönliche Links (nur für Sie").click()
    sheet = Path(_download(fac, "Blatt zum Ausdrucken (HTML)")).read_text(encoding="utf-8")
    assert f"p={claimed.token}" in sheet and f"p={printed}" not in sheet
    assert "angemeldet um" in sheet and "noch nicht angemeldet" in sheet  # Anna, and the three others
    assert sheet.count("<img") == 4  # one QR code per person
    for page in (phone, other, fac):
        page.context.close()


def _download(page, button: str) -> str:
    """Click a download button until the file comes: the facilitator's view refreshes every 2 s, and a
    click that lands while a refresh replaces the button is dropped (the sheet is built on click)."""
    for attempt in range(3):
        try:
            with page.expect_download(timeout=20_000) as download:
                page.get_by_role("button", name=button).click()
            return download.value.path()
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _people(server: AppServer, rnd):
    from storage.assessments import list_participants
    from storage.db import connect

    engine = connect(f"sqlite:///{server.data_dir / 'cockpit.db'}")
    return {p.name: p for p in list_participants(engine, rnd.client_id, rnd.id)}
