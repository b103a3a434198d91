"""Issue 14, data-safety items 2 and 3 in a real browser, on the seeded demo client.

- Item 3: orders that run into mid-January 2026 are appended from the command line; the overview
  and the reports page both stay on the last complete quarter, 2025-Q4 (the reports page used to
  default to the partial 2026-Q1, so the PDF showed most KPIs grey).
- Item 2: the demo's "Workshop 2025" is still open; the overview's maturity is the closed
  "Workshop 2024"'s, and the open round is shown as what it is, with its completeness.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, AppServer, wait_for_app

pytestmark = pytest.mark.browser

JANUARY = """order_id,customer_id,order_date,channel,product,product_category,quantity,revenue
J0000001,K000001,2026-01-05,web,CRM Basic,software,1,490
J0000002,K000002,2026-01-09,phone,Headset,accessories,2,158
J0000003,K000003,2026-01-14,store,Tablet,hardware,1,399
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, chromium_path):
    app = AppServer(tmp_path_factory.mktemp("rules") / "app").start()
    yield app
    app.stop()


def test_a_partial_quarter_is_not_the_default_on_the_overview_nor_in_the_reports(server, page, tmp_path):
    page.goto(f"{server.url}/")
    wait_for_app(page)
    expect(page.get_by_text("Gesamtergebnis 2025-Q4")).to_be_visible()  # the demo is seeded, ends 2025-12-31

    folder = tmp_path / "january"
    folder.mkdir()
    (folder / "orders.csv").write_text(JANUARY, encoding="utf-8")
    env = {**os.environ, "COCKPIT_DATA_DIR": str(server.data_dir)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "cli.py", "import", "--client", "Demo GmbH", "--data", str(folder),
                           "--append"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr

    page.goto(f"{server.url}/")
    wait_for_app(page)
    expect(page.get_by_text("Datenstand-Version")).to_be_visible()
    expect(page.locator("[data-testid='stMetric']").filter(has_text="Datenstand-Version")).to_contain_text("v2")
    expect(page.get_by_text("Gesamtergebnis 2025-Q4")).to_be_visible()
    assert page.get_by_text("Gesamtergebnis 2026-Q1").count() == 0

    page.goto(f"{server.url}/reports")
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="Zeitraum")).to_have_value("2025-Q4")


def test_the_open_round_does_not_stand_for_the_maturity(server, page):
    page.goto(f"{server.url}/")
    wait_for_app(page)
    expect(page.get_by_text("Letzte abgeschlossene Runde: Workshop 2024")).to_be_visible()
    opened = page.get_by_text("Offene Runde „Workshop 2025“")
    expect(opened).to_be_visible()
    expect(opened).to_contain_text("von 29 Fragen beantwortet")
