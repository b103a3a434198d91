"""Issue 6 in a real browser: build the Excel report on click and download it; download the offline
questionnaire of a round, fill it in with openpyxl as a client would, upload it, see the diff,
confirm, merge - the consensus is in the database afterwards and the audit log names the import."""
from __future__ import annotations

import openpyxl
import pytest

from tests.e2e.conftest import AppServer, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path, chromium_path):
    app = AppServer(tmp_path / "app").start()
    yield app
    app.stop()


def test_report_download_and_questionnaire_round_trip(server, page, tmp_path):
    from reports.questionnaire import HEADER_ROW
    from storage.assessments import list_rounds, ratings_frame
    from storage.audit import entries
    from storage.clients import list_clients
    from storage.db import connect

    page.goto(f"{server.url}/reports")
    wait_for_app(page)
    page.get_by_role("button", name="Excel-Bericht erstellen").click()
    button = page.get_by_role("button", name="Excel-Bericht herunterladen")
    button.wait_for(timeout=120_000)
    with page.expect_download() as info:
        button.click()
    report = tmp_path / "bericht.xlsx"
    info.value.save_as(report)
    book = openpyxl.load_workbook(report)
    assert book.sheetnames[:2] == ["Deckblatt", "Reifegrad"] and book["Reifegrad"]._charts

    with page.expect_download() as info:
        page.get_by_role("button", name="Fragebogen herunterladen").click()
    filled = tmp_path / "fragebogen.xlsx"
    info.value.save_as(filled)
    book = openpyxl.load_workbook(filled)
    ws = book["Fragebogen"]
    row = next(r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == "tech_mobile")
    ws.cell(row, 4).value = 5
    ws.cell(row, 5).value = "vom Kunden ergänzt"
    book.save(filled)

    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(filled))
    page.get_by_text("Diese Antworten würden sich ändern").wait_for(timeout=60_000)
    merge = page.get_by_role("button", name="Übernehmen")
    assert merge.is_disabled()  # only after the confirmation
    page.get_by_text("Ich habe die Änderungen geprüft").click()
    merge.click()
    page.get_by_text("1 Antworten übernommen").wait_for(timeout=60_000)

    engine = connect(f"sqlite:///{server.data_dir / 'cockpit.db'}")
    client = list_clients(engine)[0]
    rnd = list_rounds(engine, client.id)[0]
    stored = ratings_frame(engine, client.id, rnd.id).set_index("question_id")
    assert stored.at["tech_mobile", "value"] == 5.0 and stored.at["tech_mobile", "note"] == "vom Kunden ergänzt"
    assert any(e["action"] == "questionnaire.import" for e in entries(engine, client.id))
