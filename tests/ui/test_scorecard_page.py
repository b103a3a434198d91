"""Scorecard page (issue 5 must-show 2): on the demo every KPI of the default scorecard has a value,
the lights shown follow the thresholds (checked against the rule written out here and against
services.scorecard_view computed directly), the strategy map renders with the objectives' lights,
and changing the period re-evaluates."""
from __future__ import annotations

import pandas as pd

from tests.ui.apptest import open_page
from tests.ui.views_support import demo, figures, has_data
from usecases.scorecard import view_scorecard
from usecases.session import local_session

LIGHTS = {"grün": "green", "gelb": "amber", "rot": "red", "grau (keine Daten)": "grey"}


def _light(actual: float, green: float, amber: float, higher: bool) -> str:
    """The traffic-light rule of docs/scorecards.md, written out independently."""
    if higher:
        return "green" if actual >= green else "amber" if actual >= amber else "red"
    return "green" if actual <= green else "amber" if actual <= amber else "red"


def _shown(at) -> pd.DataFrame:
    tables = [d.value for d in at.dataframe if "status" in d.value.columns and "kpi" in d.value.columns]
    return pd.concat(tables, ignore_index=True)


def test_every_kpi_has_a_value_and_follows_its_thresholds(demo_env):
    from services import scorecard_view as sv

    at = open_page("scorecard_page.py", lang="de")
    settings, engine, client = demo()
    result = view_scorecard(local_session(engine, settings, client)).result
    card = sv.load_card(engine, client.id).card
    labels = sv.kpi_labels(card)

    assert len(result.kpis) == len(card.kpis) == 20
    for k in result.kpis:
        assert k.actual is not None, f"{k.kpi} has no value on the demo"
        assert k.status.value == _light(k.actual, k.green, k.amber, k.direction == "higher_is_better"), k.kpi
    shown = _shown(at)
    assert len(shown) == 20
    by_name = dict(zip(shown["kpi"], shown["status"]))
    for k in result.kpis:
        assert LIGHTS[by_name[labels[k.kpi].name.get("de")]] == k.status.value, k.kpi
    assert all(len(h) >= 1 for h in shown["history"])  # sparkline data for every KPI


def test_strategy_map_renders_the_objective_lights(demo_env):
    from services import scorecard_view as sv

    at = open_page("scorecard_page.py", lang="en")
    settings, engine, client = demo()
    result = view_scorecard(local_session(engine, settings, client)).result
    maps = [f for f in figures(at) if "Strategy map" in (f["layout"].get("title") or {}).get("text", "")]
    assert len(maps) == 1 and has_data(maps[0])
    nodes = next(tr for tr in maps[0]["data"] if tr.get("customdata"))
    assert {node: status for node, status in nodes["customdata"]} == {o.id: o.status.value for o in result.objectives}


def test_changing_the_period_re_evaluates(demo_env):
    from core.formatting import percent
    from services import scorecard_view as sv

    at = open_page("scorecard_page.py", lang="de")
    settings, engine, client = demo()
    at.selectbox(key="period").set_value("2024-Q2").run()
    assert not at.exception
    expected = view_scorecard(local_session(engine, settings, client), "2024-Q2").result
    assert {m.label: m.value for m in at.metric}["Gesamt"] == percent(expected.score, "de", 0)
    assert at.query_params.get("period") == "2024-Q2"


def test_freezing_a_snapshot_stores_it_with_dataset_and_round(demo_env):
    from storage.scorecards import get_snapshot, list_snapshots

    at = open_page("scorecard_page.py", lang="de")
    settings, engine, client = demo()
    before = len(list_snapshots(engine, client.id))
    at.text_input(key="snapshot_label").input("Beirat Q4")
    next(b for b in at.button if b.label == "Stand einfrieren").click().run()
    assert not at.exception
    infos = list_snapshots(engine, client.id)
    assert len(infos) == before + 1
    newest = get_snapshot(engine, client.id, infos[0].id)
    assert newest.info.label == "Beirat Q4" and newest.info.dataset_version == 1
    assert newest.info.round_id is not None and newest.payload["assessment"]["maturity_index"] > 0
    listing = next(d.value for d in at.dataframe if "Assessment-Runde" in d.value.columns)
    assert listing["Assessment-Runde"].iloc[0] == "Workshop 2024"  # the round's name, not its id (issue 14.8)


def test_without_data_the_page_leads_to_the_import(empty_env):
    from core.settings import load_settings
    from storage.clients import create_client
    from storage.db import connect

    create_client(connect(load_settings().database_url), "Leer GmbH")
    at = open_page("scorecard_page.py", lang="en")
    assert any("No data imported yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_the_excel_report_of_the_shown_period_is_built_from_the_scorecard_page(demo_env):
    """Issue 14.10: an export button on the scorecard page itself; the file is the report of that period."""
    import io

    import openpyxl

    at = open_page("scorecard_page.py", lang="de")
    button = next(b for b in at.button if b.key == "here_build_xlsx")
    assert button.label == "Excel-Bericht 2025-Q4 erstellen"
    button.click().run()
    assert not at.exception
    built = at.session_state["rp_xlsx"]
    assert built[0][1:] == ("2025-Q4", "de", False)
    book = openpyxl.load_workbook(io.BytesIO(built[1]))
    assert "Balanced Scorecard" in book.sheetnames and book.sheetnames[0] == "Deckblatt"
