"""Issue 14, must-show 3: no English on a German page. Every page of the demo client is rendered in
German with AppTest and every text a user reads (titles, captions, messages, metric and widget
labels, options, table headers and text cells) is checked for English words that German never uses."""
from __future__ import annotations

import re

import pytest

from tests.ui.apptest import open_page

PAGES = ["overview_page.py", "scorecard_page.py", "kpi_page.py", "lifecycle_page.py", "assessment_page.py",
         "workshop_page.py", "import_page.py", "reports_page.py", "settings_page.py"]
# function words of English sentences; none is a German word (data values like "CRM Pro" pass)
ENGLISH = re.compile(r"\b(the|is|are|and|of|with|this|has|must|missing|required|needs|invalid|cannot|please|"
                     r"already|taken|not|none|None|should|which|from|your|been)\b")
MESSAGES = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
WIDGETS = ("metric", "button", "selectbox", "radio", "text_input", "checkbox", "toggle", "multiselect",
           "number_input", "date_input", "slider", "select_slider", "tabs", "expander")


def shown_texts(at) -> list[str]:
    texts = [e.value for kind in MESSAGES for e in getattr(at, kind) if isinstance(e.value, str)]
    for kind in WIDGETS:
        for e in getattr(at, kind):
            texts += [v for v in (getattr(e, "label", None),) if isinstance(v, str)]
            texts += [str(o) for o in (getattr(e, "options", None) or [])]
    for table in at.dataframe:
        frame = table.value
        texts += [str(c) for c in frame.columns]
        for column in frame.columns:
            if frame[column].dtype == object or str(frame[column].dtype).startswith("string"):
                texts += list(dict.fromkeys(str(v) for v in frame[column].dropna()))[:200]
    return texts


CODE = re.compile(r"`[^`]*`")  # ids and paths in code spans are not prose


def english(texts: list[str]) -> list[str]:
    return [text for text in texts if ENGLISH.search(CODE.sub("", text))]


@pytest.mark.parametrize("page", PAGES)
def test_a_german_page_shows_no_english(demo_env, page):
    texts = shown_texts(open_page(page, lang="de"))
    assert len(texts) > 5, f"{page} rendered almost nothing: {texts}"
    assert english(texts) == []


def test_the_check_finds_english_and_lets_german_and_data_pass():
    assert english(["A client needs a name.", "Ein Mandant braucht einen Namen.", "CRM Pro", "Add-on",
                    "required column 'product' is missing", "Pflichtspalte fehlt", "Ordner: `/tmp/pytest-of-root`"]) == [
        "A client needs a name.", "required column 'product' is missing"]
