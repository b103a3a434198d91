"""Issue 12 in a real browser: an analyst opens the import page, connects a live source under
"Live-Quelle verbinden" (the URL as the placeholder ${CRM_DB_URL}, the client's table of customers),
checks the connection, sees the suggested mapping and the preview, registers it as version 2 (the
demo data was v1), and the overview then says "Stand: ... (Live-Quelle <table>)"."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AppServer, wait_for_app
from tests.sources.conftest import client_db, client_frames  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def server(tmp_path, chromium_path, client_db):  # noqa: F811 - the imported fixture
    app = AppServer(tmp_path / "app", {"CRM_DB_URL": client_db.url}).start()
    yield app
    app.stop()


def test_a_live_source_is_connected_and_registered_in_the_browser(server, page, client_db):  # noqa: F811
    page.goto(f"{server.url}/import")
    wait_for_app(page)
    page.get_by_text("Live-Quelle verbinden").click()
    url = page.get_by_role("textbox", name="Datenbank-URL")
    url.fill("${CRM_DB_URL}")
    url.press("Enter")
    wait_for_app(page)
    table = page.get_by_role("textbox", name="Tabelle (Schema.Tabelle)")
    table.fill(f"{client_db.schema}.kunden")
    table.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Verbindung prüfen").click()
    page.get_by_text("Verbunden mit postgresql://").wait_for()
    expect(page.get_by_text("Vorschau (höchstens 20 Zeilen, zugeordnet)")).to_be_visible()
    expect(page.get_by_role("combobox", name="Segment (segment)")).to_have_value("kundensegment")  # suggested
    page.get_by_role("button", name="Übernehmen").click()
    page.get_by_text("Übernommen: ").wait_for()
    page.get_by_role("button", name="Registrieren").click()
    page.get_by_text("Live-Quelle als Datenstand 2 registriert").wait_for()
    page.goto(f"{server.url}/")
    wait_for_app(page)
    customers = client_db.frames["customers"]
    latest = max(customers["angelegt_am"].max(), customers["gekuendigt_am"].max())  # the customers' snapshot
    page.get_by_text(f"Stand: {latest:%Y-%m-%d %H:%M} (Live-Quelle {client_db.schema}.kunden)").wait_for()
