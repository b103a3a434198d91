"""Lifecycle page (issue 5 must-show 2): every view renders a chart with data and its numbers in a
table; the funnel's counts equal lifecycle.funnel computed directly for the default range; German
number formats in German, English in English."""
from __future__ import annotations

from datetime import timedelta

from tests.ui.apptest import open_page
from tests.ui.views_support import demo, figures, has_data

TITLES_DE = ["Vom Interessenten zum Stammkunden", "Kennzahlen je Lebenszyklusphase",
             "Anteil aktiver Kunden je Akquisemonat", "Umsatz je Kanal", "Verkaufte Produkte je Kanal",
             "Welches Segment ist welchen Kanal wert?", "Kundenwert nach Akquisekanal", "Kundenwert nach Segment",
             "Reifegrad gegenüber gemessener Leistung"]


def test_all_lifecycle_charts_render_with_data(demo_env):
    at = open_page("lifecycle_page.py", lang="de")
    charts = figures(at)
    titles = [(f["layout"].get("title") or {}).get("text") for f in charts]
    assert titles == TITLES_DE
    for title, figure in zip(titles, charts):
        assert has_data(figure), title
        assert figure["layout"]["separators"] == ",."  # German decimal comma
    assert len(at.dataframe) >= len(charts)  # every chart has its numbers table


def test_funnel_numbers_equal_the_direct_computation(demo_env):
    from core.formatting import number
    from core.query import Filters
    from lifecycle.funnel import funnel
    from services.analytics import current_dataset, source

    at = open_page("lifecycle_page.py", lang="de")
    first, last = at.session_state["lc_range"]
    settings, engine, client = demo()
    direct = funnel(source(settings, current_dataset(engine, client.id)), Filters(first, last + timedelta(days=1)))
    table = next(d.value for d in at.dataframe if "Stufe" in d.value.columns)
    assert table["Anzahl"].tolist() == [number(v, "de", 0) for v in direct["count"]]
    assert table["Stufe"].tolist()[0] == "Interessenten"


def test_english_labels_and_formats(demo_env):
    at = open_page("lifecycle_page.py", lang="en")
    assert at.title[0].value == "Customer lifecycle"
    charts = figures(at)
    assert all(f["layout"]["separators"] == ".," for f in charts)
    table = next(d.value for d in at.dataframe if "Step" in d.value.columns)
    assert table["Step"].tolist()[0] == "Prospects"


def test_without_data_the_page_leads_to_the_import(empty_env):
    from core.settings import load_settings
    from storage.clients import create_client
    from storage.db import connect

    create_client(connect(load_settings().database_url), "Leer GmbH")
    at = open_page("lifecycle_page.py", lang="en")
    assert any("No data imported yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")
