"""Start page (issue 2 must-show 2, issue 5): on the seeded demo it shows the client's maturity
index and the scorecard's six weightiest KPIs with exactly the values computed directly; an empty
installation leads to the import and the assessment."""
from __future__ import annotations

from usecases.scorecard import view_scorecard
from usecases.session import local_session

from tests.ui.apptest import open_page
from tests.ui.views_support import demo


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_demo_figures_equal_the_direct_computation(demo_env):
    from core.formatting import number, percent
    from services import scorecard_view as sv
    from ui.scorecard_widgets import value_text

    at = open_page("overview_page.py", lang="de")
    settings, engine, client = demo()
    maturity = sv.latest_maturity(engine, client.id)
    result = view_scorecard(local_session(engine, settings, client)).result
    card = sv.load_card(engine, client.id).card
    labels = sv.kpi_labels(card)
    shown = _metrics(at)

    assert shown["Reifegradindex (1–5)"] == number(maturity.maturity_index, "de", 1)
    assert shown["Reifegradstufe"] == str(maturity.staged_level)
    assert shown[f"Gesamtergebnis {result.period}"] == percent(result.score, "de", 0)
    tiles = sv.headline_kpis(card)
    assert len(tiles) == 6
    for kpi in tiles:
        expected = value_text(result.kpi(kpi).actual, labels[kpi].unit, "de")
        assert shown[labels[kpi].name.get("de")] == expected, kpi
        assert any(ch.isdigit() for ch in expected)
    assert shown["Datenstand-Version"] == "v1"
    assert any(f"Mandant: {client.name}" in c.value for c in at.caption)


def test_english_uses_english_number_format(demo_env):
    at = open_page("overview_page.py", lang="en")
    shown = _metrics(at)
    assert at.title[0].value == "Overview"
    assert shown["Revenue"].startswith("€") and "," in shown["Revenue"]
    assert shown["Data completeness"].endswith("%") and "." in shown["Data completeness"]


def test_empty_installation_leads_to_the_next_step(empty_env):
    from storage.clients import create_client
    from storage.db import connect
    from core.settings import load_settings

    create_client(connect(load_settings().database_url), "Leer GmbH")
    at = open_page("overview_page.py", lang="de")
    infos = [i.value for i in at.info]
    assert any("Noch keine Daten importiert" in i for i in infos)
    assert any("Noch kein Reifegrad-Assessment" in i for i in infos)
    assert not at.metric


def test_the_open_demo_round_is_shown_with_its_completeness_not_as_the_maturity(demo_env):
    """Issue 14.2: "Workshop 2025" is still open; the index is the closed "Workshop 2024"'s."""
    from services import scorecard_view as sv

    at = open_page("overview_page.py", lang="de")
    _, engine, client = demo()
    opened = sv.open_round(engine, client.id)
    captions = [c.value for c in at.caption]
    assert "Letzte abgeschlossene Runde: Workshop 2024" in captions
    assert (f"Offene Runde „Workshop 2025“: {opened.answered} von {opened.total} Fragen beantwortet – zählt erst "
            "nach dem Abschluss.") in captions
    assert opened.total == 29
