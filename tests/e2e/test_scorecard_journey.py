"""Issue 5, must-show 3: open the scorecard, change the period, drill into one KPI, see its breakdown
- in a real browser on the seeded demo. Also saves screenshots of the scorecard and lifecycle pages
(/tmp/scorecard.png, /tmp/lifecycle.png) for a human look."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.browser


def _choose(page, label: str, option: str) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    page.keyboard.type(option)  # the option list is virtual: filter it down to the one wanted
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def _screenshot(page, path: str, height: int = 3000) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window instead."""
    page.set_viewport_size({"width": 1400, "height": height})
    wait_for_app(page)
    page.wait_for_timeout(3000)  # charts and tables redraw at the new size
    page.screenshot(path=path)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _metric(page, label: str) -> str:
    tile = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label,
                                                                                                       exact=True))
    return tile.first.get_by_test_id("stMetricValue").inner_text().strip()


def test_scorecard_period_drill_down_breakdown(app_server, page):
    page.goto(f"{app_server.url}/scorecard")
    wait_for_app(page)
    page.get_by_text("Gesamt", exact=True).first.wait_for(timeout=90_000)  # first start seeds the demo
    assert _metric(page, "Gesamt").endswith("%")
    _screenshot(page, "/tmp/scorecard.png")

    _choose(page, "Zeitraum", "2024-Q2")
    expect(page).to_have_url(re.compile(r"period=2024-Q2"))
    page.get_by_role("tab", name="Strategiekarte").click()
    expect(page.get_by_text("Strategiekarte 2024-Q2")).to_be_visible(timeout=30_000)
    page.get_by_role("tab", name="Kennzahlen").first.click()

    _choose(page, "Kennzahl im Detail ansehen", "Abwanderungsquote")
    link = page.get_by_role("link", name="Kennzahl öffnen")
    expect(link).to_have_attribute("href", re.compile(r"kpi=churn_rate"), timeout=30_000)  # rerun done
    link.click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/kpis\?.*kpi=churn_rate"))
    expect(page.get_by_role("heading", name="Abwanderungsquote")).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"von [\d.]+ Kunden sind abgewandert"))).to_be_visible()
    expect(page.get_by_role("heading", name="Aufschlüsselung")).to_be_visible()
    breakdown = page.get_by_test_id("stPlotlyChart").last  # bars per acquisition channel, names translated
    expect(breakdown).to_contain_text("Telefon", timeout=30_000)
    expect(breakdown).to_contain_text("Web")
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()  # its numbers beside it

    page.goto(f"{app_server.url}/lifecycle")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Kundenlebenszyklus")).to_be_visible(timeout=60_000)
    page.get_by_test_id("stPlotlyChart").first.wait_for(timeout=60_000)
    _screenshot(page, "/tmp/lifecycle.png")
