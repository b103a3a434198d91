"""Assessment page on the seeded demo: the figures shown are those services.workshop computes, and
targets set on the page are in the database (a concurrent change is reported, not overwritten)."""
from __future__ import annotations

import pytest

from core.formatting import number
from tests.ui.apptest import open_page


def _demo():
    from core.settings import load_settings
    from storage.assessments import list_rounds
    from storage.clients import list_clients
    from storage.db import connect

    engine = connect(load_settings().database_url)
    client = list_clients(engine)[0]
    return engine, client, {r.name: r for r in list_rounds(engine, client.id)}


@pytest.mark.parametrize("round_name", ["Workshop 2025", "Workshop 2024"])
def test_results_show_the_services_figures(demo_env, round_name):
    from services import workshop

    engine, client, rounds = _demo()
    rnd = rounds[round_name]
    expected = workshop.result(engine, client.id, rnd.id)
    at = open_page("assessment_page.py", lang="en")
    at.selectbox(key="round").set_value(rnd.id).run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Maturity index"] == number(expected.maturity_index, "en", 2)
    assert metrics["Staged level"].startswith(f"{expected.staged_level} · ")
    assert any(expected.explanation.text("en") in md.value for md in at.markdown)
    domains = at.dataframe[0].value
    assert domains["Score"].tolist() == [number(s, "en", 1) for s in expected.domain_scores.values()]


def test_setting_a_target_persists_and_a_concurrent_change_is_reported(demo_env):
    from storage.assessments import set_target, targets

    engine, client, rounds = _demo()
    rnd = rounds["Workshop 2025"]
    at = open_page("assessment_page.py", lang="en")
    at.number_input(key=f"target_{rnd.id}_analytics").set_value(4.5)
    at.button(key="FormSubmitter:targets_" + str(rnd.id) + "-Save targets").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("1 target(s) saved" in s.value for s in at.success)
    assert targets(engine, client.id, rnd.id)["analytics"].target == 4.5

    seen = targets(engine, client.id, rnd.id)["sales"]
    at.number_input(key=f"target_{rnd.id}_sales").set_value(5.0)
    set_target(engine, client.id, rnd.id, "sales", 2.0, expected_version=seen.version)  # someone else, first
    at.button(key="FormSubmitter:targets_" + str(rnd.id) + "-Save targets").click().run()
    assert any("changed by someone else" in w.value and "Current value: 2.0" in w.value for w in at.warning)
    assert targets(engine, client.id, rnd.id)["sales"].target == 2.0


def test_no_round_is_an_empty_state(empty_env):
    from core.settings import load_settings
    from storage.clients import create_client
    from storage.db import connect

    create_client(connect(load_settings().database_url), "Leer GmbH")
    at = open_page("assessment_page.py", lang="en")
    assert any("has no assessment round yet" in i.value for i in at.info)


def test_create_a_round_with_participants(empty_env):
    from core.settings import load_settings
    from storage.assessments import list_participants, list_rounds
    from storage.clients import create_client
    from storage.db import connect

    engine = connect(load_settings().database_url)
    client = create_client(engine, "Neu GmbH")
    at = open_page("assessment_page.py", lang="en")
    at.selectbox(key="new_round_model").set_value("crm_default")
    at.text_input(key="new_round_name").input("Kick-off 2026")
    at.text_area(key="new_round_people").input("Anna\nBen\n\nAnna")
    at.radio(key="new_round_aggregation").set_value("mean")
    at.button(key="FormSubmitter:new_round-Create round").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [made] = list_rounds(engine, client.id)
    assert (made.name, made.aggregation, made.current_question_id) == ("Kick-off 2026", "mean", "strategy_goals")
    assert [p.name for p in list_participants(engine, client.id, made.id)] == ["Anna", "Ben"]
    assert any(made.join_code in s.value for s in at.success)
    assert at.selectbox(key="round").value == made.id
    assert {m.label: m.value for m in at.metric}["Maturity index"] == "–"  # no votes yet


def test_the_round_in_the_link_is_opened(demo_env):
    engine, client, rounds = _demo()
    old = rounds["Workshop 2024"]
    at = open_page("assessment_page.py", lang="en", round=str(old.id))
    assert at.selectbox(key="round").value == old.id
    assert at.query_params["round"] in (str(old.id), [str(old.id)])


def test_a_german_page_shows_a_refused_round_in_german(empty_env):
    from core.settings import load_settings
    from storage.clients import create_client
    from storage.db import connect

    create_client(connect(load_settings().database_url), "Neu GmbH")
    at = open_page("assessment_page.py", lang="de")
    at.selectbox(key="new_round_model").set_value("crm_default")
    at.text_input(key="new_round_name").input("   ")
    at.button(key="FormSubmitter:new_round-Runde anlegen").click().run()
    shown = "\n".join(e.value for e in at.error)
    assert "Eine Runde braucht einen Namen." in shown and "„Workshop März 2025“" in shown
    assert "needs a name" not in shown and "e.g." not in shown


def test_the_history_table_shows_levels_as_whole_numbers(demo_env):
    """Issue 14.9: 'Reifegradstufe 1' in the comparison with earlier rounds, never '1.0' or 'None'."""
    engine, client, rounds = _demo()
    at = open_page("assessment_page.py", lang="de")
    at.selectbox(key="round").set_value(rounds["Workshop 2025"].id).run()
    history = next(d.value for d in at.dataframe if "Reifegradstufe" in d.value.index)
    levels = history.loc["Reifegradstufe"].tolist()
    assert len(levels) == 2 and all(v.isdigit() or v == "–" for v in levels), levels
