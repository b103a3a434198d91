"""Issue 14.7 on the page: the failure table of a German import page reads its reasons from their
keys (``data.reasons``); no English reason reaches the rendered page, the English page keeps them."""
from __future__ import annotations

import re

from tests.ui.apptest import open_page
from tests.ui.test_import_page import BAD, _button, _upload

WORSE = BAD + ("A-1;K000001;web;Tee;1;1,00;02.02.2024\n"      # duplicate order id
               "A-6;K000001;web;Tee;1;viel;02.02.2024\n"      # not a number
               "A-7;K000001;;Tee;1;1,00;02.02.2024\n").encode("cp1252")  # required channel empty
ENGLISH = re.compile(r"\b(not a valid|missing|required value|duplicate|first in row|not found|negative quantity)\b")


def _failure_table(lang: str):
    at = open_page("import_page.py", lang=lang)
    at.selectbox(key="imp.entity").set_value("orders").run()
    prefix = _upload(at, WORSE)
    at.selectbox(key=f"{prefix}.col.channel").set_value("Vertriebsweg")
    at.selectbox(key=f"{prefix}.col.product").set_value("Artikelbez").run()
    _button(at, "imp.validate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    column = "Grund" if lang == "de" else "Reason"
    return at, next(d.value for d in at.dataframe if column in d.value.columns)[column].tolist()


def test_a_german_page_shows_every_reason_in_german(demo_env):
    at, reasons = _failure_table("de")
    assert {"negative Menge", "kein gültiges Datum", "keine gültige Zahl", "Pflichtwert „channel“ ist leer",
            "doppelter Schlüssel order_id (zuerst in Zeile 2)"} <= set(reasons), reasons
    shown = reasons + [m.value for m in (*at.markdown, *at.caption, *at.warning, *at.error)]
    assert [s for s in shown if ENGLISH.search(str(s))] == []


def test_the_english_page_shows_the_english_reasons(demo_env):
    _, reasons = _failure_table("en")
    assert {"negative quantity", "not a valid date", "not a valid number", "required value 'channel' is empty",
            "duplicate order_id (first in row 2)"} <= set(reasons), reasons
