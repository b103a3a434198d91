"""The report of a live client (issue 12): the forecasts come from the live source's aggregates
like every KPI, the channel plan needs imported data and its sheet and PDF section say so."""
from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from data.manifest import load_manifest
from sources import live_pool
from storage.clients import create_client
from tests.reports.test_outlook_report import tables
from tests.sources import crm_export
from tests.sources.conftest import client_db, client_frames  # noqa: F401 - the fixtures
from tests.ui.live_support import live_installation
from usecases import datasets
from usecases.reports import build_report
from usecases.session import local_session

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def live(tmp_path_factory, client_db):  # noqa: F811 - the imported fixture
    folder = tmp_path_factory.mktemp("outlook_live")
    patch = pytest.MonkeyPatch()
    settings, engine = live_installation(folder, client_db.url, patch)
    session = local_session(engine, settings, create_client(engine, "Live"))
    info, check = datasets.register_live(session, load_manifest(
        crm_export.live_manifest(folder / "live.yaml", client_db.schema)))
    assert info is not None, check.describe()
    yield session
    live_pool.close_all()
    patch.undo()


def test_the_channel_plan_sheet_says_it_needs_imported_data(live):
    book = openpyxl.load_workbook(io.BytesIO(build_report(live, "xlsx", "2025-Q4", "de").content))
    sheet = book["Kanalplan"]
    assert sheet["A1"].value.startswith("Kanalplan je Segment")
    assert sheet["A2"].value.startswith("Der Kanalplan rechnet auf importierten Daten, noch nicht auf einer Live-Quelle.")
    assert "Dafür die Daten als Dateien importieren" in sheet["A2"].value
    (forecast,) = tables(book["Prognosen"])  # the forecasts read the live source's aggregates
    assert len(forecast) and forecast["Periode"].iloc[0] == "2026-Q1"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_section_says_so_too(live, tmp_path):
    path = tmp_path / "board.pdf"
    path.write_bytes(build_report(live, "pdf", "2025-Q4", "en").content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    section = text[text.index("Channel plan per Segment"):]
    assert "The channel plan runs on imported data, not yet on a live source." in " ".join(section.split())
