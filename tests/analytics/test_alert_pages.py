"""The alert feed on the overview and the marker on the scorecard (AppTest on the seeded demo):
the feed shows the alerts usecases.alerts computes, in the user's language, and acknowledging
one keeps it in the feed, marked."""
from __future__ import annotations

from tests.ui.apptest import open_page
from tests.ui.conftest import demo_dir, demo_env  # noqa: F401 - the seeded demo installation
from tests.ui.views_support import demo
from usecases.alerts import view_alerts
from usecases.session import local_session


def _feed(lang: str):
    settings, engine, client = demo()
    return view_alerts(local_session(engine, settings, client), lang)


def test_the_overview_lists_every_alert_sentence(demo_env):
    at = open_page("overview_page.py", lang="de")
    feed = _feed("de")
    assert feed.items, "the demo data raises alerts"
    shown = " ".join(m.value for m in at.markdown)
    for item in feed.items:
        assert item.sentence in shown
    assert any(s.value == f"Alarme {feed.period}" for s in at.subheader)
    table = at.dataframe[0].value  # the feed comes before the data panel
    assert list(table.columns[:3]) == ["Art", "Kennzahl", "Ausschnitt"] and len(table) == len(feed.items)


def test_acknowledging_marks_the_alert_and_keeps_it(demo_env):
    at = open_page("overview_page.py", lang="en")
    feed = _feed("en")
    first = next(i for i in feed.items if i.acknowledged is None)
    at.selectbox(key="alert_ack_key").set_value(first.key)
    at.text_input(key="alert_ack_note").input("known: campaign paused")
    at.button[[b.label for b in at.button].index("Acknowledge")].click().run()
    assert not at.exception
    after = _feed("en")
    marked = next(i for i in after.items if i.key == first.key)
    assert marked.acknowledged is not None and marked.acknowledged.note == "known: campaign paused"
    assert any(first.sentence in m.value for m in at.markdown)
    assert any("Acknowledged by" in c.value and "known: campaign paused" in c.value for c in at.caption)


def test_the_scorecard_marks_the_kpis_with_alerts(demo_env):
    at = open_page("scorecard_page.py", lang="de")
    period = at.selectbox(key="period").value
    settings, engine, client = demo()
    feed = view_alerts(local_session(engine, settings, client), "de", period=period)
    marked = {i.kpi_name for i in feed.items}
    assert marked
    rows = [r for df in at.dataframe for r in df.value.to_dict("records") if "alert" in r]
    flagged = {r["kpi"] for r in rows if r["alert"]}
    assert flagged == marked
