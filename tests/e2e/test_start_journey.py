"""Issue 2, must-show 2 and 4: the start page shows the demo client's figures in a real browser, and
after stopping the app and starting it again on the same data folder (SQLite file and Parquet
store) it shows the same figures.

The expected figures are computed directly from that data folder (services.scorecard_view), so the
test fails if the page shows anything else, or nothing.
"""
from __future__ import annotations

from usecases.scorecard import view_scorecard
from usecases.session import local_session

import pytest

from tests.e2e.conftest import AppServer, wait_for_app

pytestmark = pytest.mark.browser


def _expected(data_dir) -> dict[str, str]:
    """The maturity index and the first KPI tile, formatted as the German page shows them."""
    from core.formatting import number
    from core.settings import Settings
    from services import scorecard_view as sv
    from storage.clients import list_clients
    from storage.db import connect
    from ui.scorecard_widgets import value_text

    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'cockpit.db'}", demo=False,
                        team_mode=False, max_upload_mb=200)
    engine = connect(settings.database_url)
    client = list_clients(engine)[0]
    maturity = sv.latest_maturity(engine, client.id)
    result = view_scorecard(local_session(engine, settings, client)).result
    card = sv.load_card(engine, client.id).card
    first = sv.headline_kpis(card)[0]
    labels = sv.kpi_labels(card)
    return {"client": client.name, "maturity": number(maturity.maturity_index, "de", 1),
            "kpi_name": labels[first].name.get("de"),
            "kpi_value": value_text(result.kpi(first).actual, labels[first].unit, "de")}


def _metric(page, label: str) -> str:
    tile = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label,
                                                                                                       exact=True))
    return tile.first.get_by_test_id("stMetricValue").inner_text().strip()


def _figures(page, url: str, expected: dict[str, str]) -> dict[str, str]:
    page.goto(url)
    wait_for_app(page)
    page.get_by_text("Wichtigste Kennzahlen").first.wait_for(timeout=60_000)
    return {"client": expected["client"] if page.get_by_text(f"Mandant: {expected['client']}").count() else "",
            "maturity": _metric(page, "Reifegradindex (1–5)"), "kpi_name": expected["kpi_name"],
            "kpi_value": _metric(page, expected["kpi_name"])}


def test_start_page_shows_the_demo_figures_and_they_survive_a_restart(tmp_path, chromium_path, page):
    data_dir = tmp_path / "app"
    first = AppServer(data_dir).start()
    try:
        page.goto(first.url)
        wait_for_app(page)
        page.get_by_text("Wichtigste Kennzahlen").first.wait_for(timeout=90_000)  # first start seeds the demo
        expected = _expected(data_dir)
        shown = _figures(page, first.url, expected)
        page.set_viewport_size({"width": 1400, "height": 2300})  # Streamlit scrolls inside its main block
        page.wait_for_timeout(3000)  # tiles and tables redraw at the new size
        page.screenshot(path="/tmp/overview.png")
        page.set_viewport_size({"width": 1400, "height": 1000})
    finally:
        first.stop()
    assert shown == expected
    assert shown["maturity"] not in ("", "–") and any(ch.isdigit() for ch in shown["kpi_value"])

    second = AppServer(data_dir).start()  # same folder: the SQLite file and the Parquet store persist
    try:
        again = _figures(page, second.url, expected)
    finally:
        second.stop()
    assert again == expected
