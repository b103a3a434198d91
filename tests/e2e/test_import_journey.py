"""Issue 4, must-show 4: import in a real browser.

A consultant opens the import page, chooses "orders", uploads a German CSV (cp1252, ``;``,
decimal comma, German dates) whose columns "Vertriebsweg" and "Artikelbez" are not suggested,
maps those two by hand, saves the mapping profile, validates, chooses "Ersetzen" for the orders
(append is preselected: tests/e2e/test_import_safety_journey.py), imports, and sees KPI values of
the new dataset version. The database then holds the profile and version 2 (the demo data was v1).

Worked example: quantities 2 + 1 + 3 = 6 products sold; revenue 10,50 + 5,00 + 20,00 = 35,50 EUR.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import AppServer, wait_for_app

pytestmark = pytest.mark.browser
CSV = ("Bestellnr;Kunde;Vertriebsweg;Artikelbez;Menge;Umsatz;Datum\n"
       "A-1;K000001;web;Tee;2;10,50;01.02.2024\n"
       "A-2;K000002;Filiale;Kaffee;1;5,00;03.02.2024\n"
       "A-3;K000001;web;Tee;3;20,00;05.02.2024\n")


def upload(page, path, caption: str) -> None:
    """Give the file to the uploader until the page shows ``caption``. Right after the entity was
    chosen the previous entity's uploader may still be on the page (one uploader either way); a file
    handed to it is dropped when the rerun replaces it, so the upload is repeated, at most 3 times."""
    uploader = page.locator("[data-testid='stFileUploader'] input[type=file]")
    for attempt in range(3):
        wait_for_app(page)
        expect(uploader).to_have_count(1)
        uploader.set_input_files(str(path))
        try:
            page.get_by_text(caption).wait_for(timeout=30_000 if attempt < 2 else 60_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


@pytest.fixture
def server(tmp_path, chromium_path):
    app = AppServer(tmp_path / "app").start()
    yield app
    app.stop()


def _choose(page, label: str, option: str) -> None:
    """Open a selectbox, filter by typing, pick the option; retried while a rerun redraws the page."""
    for attempt in range(3):
        box = page.get_by_label(label, exact=True)
        box.click()
        page.keyboard.type(option)
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.click(timeout=10_000)
            break
        except Exception:
            page.keyboard.press("Escape")
            if attempt == 2:
                raise
    page.wait_for_timeout(300)  # let the rerun start before waiting for its end
    wait_for_app(page)


def test_upload_map_two_columns_save_profile_import_see_kpis(server, page, tmp_path):
    export = tmp_path / "Shop-Export.csv"
    export.write_bytes(CSV.encode("cp1252"))
    page.goto(f"{server.url}/import")
    wait_for_app(page)
    page.get_by_role("heading", name="Datenimport").wait_for()

    _choose(page, "Welche Daten enthält die Datei?", "Aufträge")
    upload(page, export, "3 Zeilen, 7 Spalten in Shop-Export.csv")
    wait_for_app(page)

    _choose(page, "Kanal (channel)", "Vertriebsweg")
    _choose(page, "Produkt (product)", "Artikelbez")
    page.get_by_label("Profilname").fill("Shop-Export")
    page.get_by_label("Profilname").press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Profil speichern").click()
    page.get_by_text("Profil „Shop-Export“ gespeichert (Version 1).").wait_for()
    heading = page.get_by_role("heading", name="Spaltenzuordnung")
    mapping = page.locator("[data-testid='stVerticalBlock']").filter(has=heading).last  # the bordered box
    mapping.screenshot(path="/tmp/import.png")

    page.get_by_role("button", name="Prüfen").click()
    page.get_by_text("Keine Probleme gefunden: 3 Zeilen bereit.").wait_for()
    page.screenshot(path="/tmp/import-validated.png", full_page=True)
    page.get_by_text("Ersetzen (nur die neue Datei)").click()
    wait_for_app(page)
    page.get_by_text("→ 3 (").wait_for()  # the preview follows the choice: 16.033 → 3
    page.get_by_role("button", name="Importieren").click()
    page.get_by_text("Datenstand Version 2 gespeichert.").wait_for()
    metrics = page.locator("[data-testid='stMetric']")
    metrics.filter(has_text="Umsatz").filter(has_text="35,50 €").wait_for()
    metrics.filter(has_text="Verkaufte Produkte").filter(has_text="6").wait_for()
    expect(page.get_by_role("link", name="Alle Kennzahlen ansehen")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 1400})
    page.screenshot(path="/tmp/import-done.png")

    from storage.clients import list_clients
    from storage.datasets import get_mapping_profile, latest_dataset
    from storage.db import connect

    engine = connect(f"sqlite:///{server.data_dir / 'cockpit.db'}")
    client = list_clients(engine)[0]
    profile = get_mapping_profile(engine, client.id, "Shop-Export")
    assert profile is not None and "channel: Vertriebsweg" in profile.content
    assert "product: Artikelbez" in profile.content
    info = latest_dataset(engine, client.id)
    assert info.version == 2 and info.row_counts["orders"] == 3
    assert info.row_counts["customers"] > 0  # the other demo entities were carried over unchanged
