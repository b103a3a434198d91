"""Open a page of the real app in AppTest."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def open_page(page: str, lang: str = "de", **query):
    """Run the app, then switch to ``page`` (path below ui/pages) and return the AppTest."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang  # the widget is bound to ?lang=; AppTest has no URL to seed it
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page != "overview_page.py":
        at.switch_page(str(ROOT / "ui" / "pages" / page))
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
