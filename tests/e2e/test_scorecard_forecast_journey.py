"""Issue 11.2 in a real browser: the scorecard's scores come first, then (fitted once, after them)
the drill-down KPI's trend with its forecast and the caption naming the method and its backtest
error; the KPI tables carry the forecast column."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.browser


def test_the_scorecard_shows_the_forecast_after_the_scores(app_server, page):
    page.goto(f"{app_server.url}/scorecard")
    wait_for_app(page)
    page.get_by_text("Gesamt", exact=True).first.wait_for(timeout=90_000)  # first start seeds the demo
    caption = page.get_by_text(re.compile(r"^Prognose gestrichelt, mit 80-%-Intervall"))
    expect(caption).to_be_visible(timeout=180_000)  # the first view fits the forecasts (cached afterwards)
    expect(caption).to_contain_text("MASE")
    expect(page.get_by_text("Umsatz: Verlauf und Prognose")).to_be_visible()
    # the table is drawn on a canvas; its accessible header row holds the column
    expect(page.get_by_role("columnheader", name="Prognose", exact=True, include_hidden=True).first).to_be_attached()
