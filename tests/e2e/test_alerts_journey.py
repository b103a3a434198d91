"""Issue 11, must-show 1 in a real browser: a client whose e-mail response collapses in the last
month (imported with ``cli.py import`` before the app starts, no demo) opens the overview and sees
the trend break of the campaign response rate for that month and channel in the alert feed, and
none for the steady channels; acknowledging it with a note keeps it in the feed, marked. Saves
/tmp/alerts.png for a human look."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.analytics.synthetic import response_drop, write_canonical
from tests.e2e.conftest import ROOT, AppServer, wait_for_app

pytestmark = pytest.mark.browser
SENTENCE = "Kampagnen-Responsequote (Kanal E-Mail) liegt 2025-12 bei"


@pytest.fixture
def server(tmp_path, chromium_path):
    data = tmp_path / "app"
    write_canonical(response_drop("email"), tmp_path / "export")
    env = {**os.environ, "COCKPIT_DATA_DIR": str(data), "COCKPIT_DEMO": "0"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "cli.py", "import", "--client", "Alarm GmbH", "--data", str(tmp_path / "export")],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    app = AppServer(data, env={"COCKPIT_DEMO": "0"}).start()
    yield app
    app.stop()


def test_the_overview_shows_the_broken_channel_and_an_acknowledgement(server, page):
    page.goto(server.url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Alarme 2025-12")).to_be_visible(timeout=90_000)
    feed = page.get_by_test_id("stMarkdownContainer").filter(has_text=SENTENCE)
    expect(feed.first).to_be_visible()
    assert "außerhalb des üblichen Bereichs" in feed.first.inner_text()
    main = page.get_by_test_id("stMain")
    for steady in ("Kanal Telefon", "Kanal letter"):
        expect(main.get_by_text(steady)).to_have_count(0)

    box = page.get_by_label("Alarm", exact=True)
    box.click()
    page.keyboard.type("Kanal E-Mail")
    page.get_by_role("option", name="Trendbruch: Kampagnen-Responsequote · Kanal E-Mail (2025-12)").click()
    page.get_by_label("Notiz (Ursache, was wird getan?)").fill("Versandserver ausgefallen, behoben")
    page.get_by_role("button", name="Quittieren").click()
    wait_for_app(page)
    expect(page.get_by_text("Alarm quittiert")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Versandserver ausgefallen, behoben")).to_be_visible()
    expect(feed.first).to_be_visible()           # acknowledged, not hidden
    page.set_viewport_size({"width": 1400, "height": 2400})
    wait_for_app(page)
    page.screenshot(path="/tmp/alerts.png")
