"""Issue 14.1, must-show 1: importing one table no longer replaces its history, in a real browser.

A consultant imports a 240-row orders export (German headers, all suggested) into the demo
client. Before "Importieren" the page shows the effect: Aufträge 16.033 -> 16.273 (+240) and
revenue of the last complete quarter 2025-Q4 rising by 240 x 100,00 = 24.000,00 EUR; append is the
preselected choice and every customer id matches. After the import the version holds all 16,273
orders; restoring version 1 brings back the 16,033 as version 3. Before this change the import
made a version of 240 orders and showed no preview (the journey fails at the preview).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AppServer, wait_for_app
from tests.e2e.test_import_journey import _choose, upload

pytestmark = pytest.mark.browser
ROWS = 240
CSV = "Bestellnummer;Kundennummer;Kanal;Produkt;Menge;Umsatz;Bestelldatum\n" + "".join(
    f"N-{i:04d};K{i % 300 + 1:06d};web;CRM Pro;1;100,00;{i % 28 + 1:02d}.11.2025\n" for i in range(ROWS))


@pytest.fixture
def server(tmp_path, chromium_path):
    app = AppServer(tmp_path / "app").start()
    yield app
    app.stop()


def _store(server):
    from storage.clients import list_clients
    from storage.db import connect

    engine = connect(f"sqlite:///{server.data_dir / 'cockpit.db'}")
    return engine, list_clients(engine)[0]


def _german(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def test_append_240_orders_preview_keeps_history_and_restore_brings_back_v1(server, page, tmp_path):
    from storage.datasets import latest_dataset

    export = tmp_path / "Auftraege-November.csv"
    export.write_text(CSV, encoding="utf-8")
    page.goto(f"{server.url}/import")
    wait_for_app(page)
    page.get_by_role("heading", name="Datenimport").wait_for()
    engine, client = _store(server)
    before = latest_dataset(engine, client.id)
    n = before.row_counts["orders"]

    _choose(page, "Welche Daten enthält die Datei?", "Aufträge")
    upload(page, export, f"{ROWS} Zeilen, 7 Spalten in Auftraege-November.csv")
    wait_for_app(page)
    page.get_by_role("button", name="Prüfen").click()
    page.get_by_text(f"Keine Probleme gefunden: {ROWS} Zeilen bereit.").wait_for()
    wait_for_app(page)

    effect = page.get_by_role("heading", name="Auswirkung vor dem Import")
    try:
        effect.wait_for(timeout=30_000)
    except Exception:
        page.screenshot(path="/tmp/import-safety-failed.png", full_page=True)
        raise
    expect(page.get_by_role("radiogroup").get_by_label("Anhängen (Bestand bleibt)")).to_be_checked()
    expect(page.get_by_text(f"Aufträge: {_german(n)} → {_german(n + ROWS)} (+{ROWS})")).to_be_visible()
    revenue = page.get_by_text("Umsatz 2025-Q4:")
    expect(revenue).to_contain_text("(+24.000,00 €)")
    expect(page.get_by_text("IDs passen zu Kunden")).to_have_count(0)  # every customer id matched
    effect.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/import-preview.png")

    page.get_by_role("button", name="Importieren").click()
    page.get_by_text(f"Datenstand Version {before.version + 1} gespeichert.").wait_for()
    after = latest_dataset(engine, client.id)
    assert after.row_counts["orders"] == n + ROWS  # history kept: 16,033 + 240
    assert {k: v for k, v in after.row_counts.items() if k != "orders"} == \
        {k: v for k, v in before.row_counts.items() if k != "orders"}

    wait_for_app(page)
    _choose(page, "Früheren Datenstand wiederherstellen", f"Version {before.version} – {before.label}")
    page.get_by_role("button", name="Wiederherstellen").click()
    page.get_by_text(f"Version {before.version} als neuer Datenstand Version {after.version + 1} "
                     "wiederhergestellt.").wait_for()
    page.screenshot(path="/tmp/import-restored.png", full_page=True)
    expect(page.get_by_text(f"Datenstand Version {after.version} gespeichert.")).to_have_count(0)
    restored = latest_dataset(engine, client.id)
    assert (restored.version, restored.row_counts) == (after.version + 1, before.row_counts)


def test_orders_whose_customer_ids_match_nothing_are_blocked_before_importing(server, page, tmp_path):
    """The same 240 orders with customer ids of another system: "0 von 240 IDs passen zu Kunden
    (0 %)" is shown before importing, "Importieren" stays disabled until confirmed."""
    from storage.datasets import latest_dataset

    export = tmp_path / "Fremdsystem.csv"
    export.write_text(CSV.replace(";K0", ";X0"), encoding="utf-8")
    page.goto(f"{server.url}/import")
    wait_for_app(page)
    _choose(page, "Welche Daten enthält die Datei?", "Aufträge")
    upload(page, export, f"{ROWS} Zeilen, 7 Spalten in Fremdsystem.csv")
    wait_for_app(page)
    page.get_by_role("button", name="Prüfen").click()
    alert = page.get_by_text(f"Aufträge: 0 von {ROWS} IDs passen zu Kunden (0 %)")
    alert.wait_for()
    expect(page.get_by_role("button", name="Importieren")).to_be_disabled()
    alert.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/import-unmatched.png")
    page.get_by_text("Trotzdem importieren").click()
    expect(page.get_by_role("button", name="Importieren")).to_be_enabled()
    engine, client = _store(server)
    assert latest_dataset(engine, client.id).version == 1  # nothing stored so far
