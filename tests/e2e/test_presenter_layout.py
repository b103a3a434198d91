"""Issue 14 item 5: the presenter view fits one 16:9 screen.

At 1280x720 and 1440x900 the question, the five answers, the live chart, "n von m abgestimmt",
the discussion flag and the QR code are all inside the viewport without scrolling; the full-screen
toggle hides the sidebar and the header; the QR link uses COCKPIT_PUBLIC_URL; no personal link and
no "not voted yet" list reach this view. COCKPIT_SCREENSHOTS=1 refreshes docs/screenshots/.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from services import workshop
from storage.assessments import (cast_vote, join_by_code, list_participants, list_rounds, set_anonymous,
                                 set_current_question)
from storage.clients import list_clients
from storage.db import connect
from tests.e2e.conftest import AppServer, local_page, screenshot_dir, wait_for_app

pytestmark = pytest.mark.browser
PUBLIC = "http://192.168.1.20:8501"


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium_path):
    app = AppServer(tmp_path_factory.mktemp("presenter"), env={"COCKPIT_PUBLIC_URL": PUBLIC}).start()
    yield app
    app.stop()


def _demo_round(server: AppServer):
    engine = connect(f"sqlite:///{server.data_dir / 'cockpit.db'}")
    client = list_clients(engine)[0]
    rnd = next(r for r in list_rounds(engine, client.id) if r.status == "open")
    return engine, client, rnd, workshop.model_by_id(rnd.model_id)


def _inside(page, locator) -> None:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None, locator
    assert box["x"] >= 0 and box["y"] >= 0, (locator, box)
    assert box["x"] + box["width"] <= size["width"] + 1, (locator, box, size)
    assert box["y"] + box["height"] <= size["height"] + 1, (locator, box, size)


def _open(browser, server, width: int, height: int):
    page = local_page(browser, width, height)
    page.goto(f"{server.url}/workshop?view=present")
    wait_for_app(page)
    page.locator("[data-testid='stPlotlyChart']").first.wait_for()
    return page.context, page


def test_the_presenter_view_fits_1280x720_and_1440x900(server, browser, tmp_path):
    first = browser.new_context()
    warm = first.new_page()
    warm.set_default_timeout(60_000)
    warm.goto(f"{server.url}/workshop")  # seeds the demo client and its open round
    warm.locator(".ws-code").wait_for()
    first.close()
    engine, client, rnd, model = _demo_round(server)
    # the question with the longest answers, made disputed (1 and 5: spread 4)
    question = max(model.questions(), key=lambda q: sum(len(o.text.de) for o in q.options))
    set_current_question(engine, client.id, rnd.id, question.id)
    anna, *_, tobias = list_participants(engine, client.id, rnd.id)
    cast_vote(engine, client.id, rnd.id, question.id, anna.id, 1.0)
    cast_vote(engine, client.id, rnd.id, question.id, tobias.id, 5.0)
    join_by_code(engine, rnd.join_code, "Lea Neu")  # joined, not voted yet: 4 of 5

    for width, height in ((1280, 720), (1440, 900)):
        ctx, page = _open(browser, server, width, height)
        page.get_by_text("4 von 5 abgestimmt").wait_for()
        page.locator("[data-testid='stCheckbox']", has_text="Vollbild").click()
        wait_for_app(page)
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
        page.get_by_text("4 von 5 abgestimmt").wait_for()
        page.wait_for_timeout(800)  # the chart's first draw
        answers = page.locator(".pr-options li")
        expect(answers).to_have_count(5)
        _inside(page, page.locator(".pr-question"))
        for i in range(5):
            _inside(page, answers.nth(i))
            assert question.options[i].text.de in answers.nth(i).inner_text()
        _inside(page, page.locator("[data-testid='stPlotlyChart']").first)
        _inside(page, page.get_by_text("4 von 5 abgestimmt"))
        _inside(page, page.locator(".pr-discuss"))
        _inside(page, page.locator(".pr-join img"))
        expect(page.locator(".pr-join .url")).to_contain_text(f"{PUBLIC}/vote?code={rnd.join_code}")
        expect(page.locator(".pr-warn")).to_have_count(0)  # a public address is set: no warning
        html = page.content()
        assert "?p=" not in html and "p%3D" not in html  # no personal link on the projector
        assert "Noch nicht abgestimmt" not in html  # who has not voted: the facilitator's view only
        page.screenshot(path=str(screenshot_dir(tmp_path) / f"presenter-{width}x{height}.png"))
        ctx.close()


def test_an_anonymous_round_shows_no_names_on_the_projector(server, browser):
    ctx, page = _open(browser, server, 1280, 720)  # first: the first page seeds the demo client (any test order)
    engine, client, rnd, _model = _demo_round(server)
    page.locator(".pr-names").wait_for()
    expect(page.locator(".pr-names")).to_contain_text("Anna Becker")
    set_anonymous(engine, client.id, rnd.id, True)
    expect(page.locator(".pr-names")).to_have_count(0, timeout=15_000)  # the next 2-second refresh
    assert "Anna Becker" not in page.content()
    set_anonymous(engine, client.id, rnd.id, False)
    ctx.close()


def test_the_facilitator_opens_the_presenter_in_a_second_window(server, browser):
    fac = local_page(browser)
    fac.goto(f"{server.url}/workshop")
    wait_for_app(fac)
    with fac.context.expect_page() as second:
        fac.get_by_role("link", name="Präsentation in neuem Fenster").click()
    projector = second.value
    projector.wait_for_load_state()
    assert "view=present" in projector.url
    projector.locator(".pr-question").wait_for(timeout=60_000)
    question = fac.locator(".ws-question").inner_text()
    expect(projector.locator(".pr-question")).to_have_text(question)
    fac.locator(".ws-question").click()
    fac.keyboard.press("ArrowRight")  # the facilitator moves on: the projector follows within seconds
    fac.get_by_text("Frage 2 von").first.wait_for()
    expect(projector.locator(".pr-question")).to_have_text(fac.locator(".ws-question").inner_text(), timeout=15_000)
    fac.context.close()
