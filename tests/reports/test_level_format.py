"""The staged maturity level on the PDF's key figures reads "1", never "1.0" (issue 14.9)."""
from __future__ import annotations

from types import SimpleNamespace

from reports.pdf import _key_figures


def test_pdf_key_figures_show_the_level_as_a_whole_number_in_german():
    content = SimpleNamespace(lang="de", maturity=SimpleNamespace(index=2.46, level=1.0), scorecard=None, alerts=None,
                              forecasts=None)
    figures = dict(_key_figures(content)[:2])
    assert figures == {"CRM-Reifegradindex": "2,5", "Reifegradstufe": "1"}
