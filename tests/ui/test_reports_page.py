"""Reports page on the seeded demo: the Excel report and the PDF are built on click and then offered
for download; the KPI table as CSV; the offline questionnaire of a round can be downloaded (the upload
and merge are tested on the services in tests/services/test_questionnaire_flow.py)."""
from __future__ import annotations

from tests.ui.apptest import open_page


def _downloads(at) -> set[str]:
    return {b.proto.label for b in at.get("download_button")}


def test_build_excel_and_pdf_on_click_then_download(demo_env):
    at = open_page("reports_page.py", lang="en")
    assert at.title[0].value == "Reports"
    assert at.selectbox(key="rp_period").value == "2025-Q4"  # the last complete quarter of the demo data
    assert _downloads(at) == {"Download questionnaire"}  # nothing is built before the click
    at.button(key="rp_build_xlsx").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert _downloads(at) == {"Download questionnaire", "Download Excel report", "KPI table as CSV"}
    at.selectbox(key="rp_lang").set_value("de").run()  # another selection: the built file is not offered
    assert "Download Excel report" not in _downloads(at)
    at.button(key="rp_build_pdf").click().run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert "Download PDF" in _downloads(at)
