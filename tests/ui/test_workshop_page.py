"""Workshop page on the seeded demo: one question at a time, the current question is kept in the
round (a fresh session continues there), and the consensus is saved with the version it was read at."""
from __future__ import annotations

from tests.ui.apptest import open_page


def _open_round():
    from core.settings import load_settings
    from services import workshop
    from storage.assessments import list_rounds, set_current_question
    from storage.clients import list_clients
    from storage.db import connect

    engine = connect(load_settings().database_url)
    client = list_clients(engine)[0]
    rnd = next(r for r in list_rounds(engine, client.id) if r.status == "open")
    model = workshop.model_by_id(rnd.model_id)
    set_current_question(engine, client.id, rnd.id, model.question_ids[0])  # start of the workshop
    return engine, client, rnd, model


def _shows(at, question) -> bool:
    return any(question.help.en in md.value for md in at.markdown)


def test_first_question_then_next_persists_across_sessions(demo_env):
    from storage.assessments import get_round

    engine, client, rnd, model = _open_round()
    first, second = (model.question(q) for q in model.question_ids[:2])
    at = open_page("workshop_page.py", lang="en")
    assert _shows(at, first) and not _shows(at, second)
    assert any(f"/vote?code={rnd.join_code}" in md.value for md in at.markdown)
    at.button(key="ws_next").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _shows(at, second)
    assert get_round(engine, client.id, rnd.id).current_question_id == second.id
    fresh = open_page("workshop_page.py", lang="en")  # a refresh, or the facilitator's second device
    assert _shows(fresh, second)
    fresh.button(key="ws_prev").click().run()
    assert get_round(engine, client.id, rnd.id).current_question_id == first.id


def test_consensus_is_saved_and_a_stale_save_is_a_conflict(demo_env):
    from storage.assessments import ratings_frame, set_rating

    engine, client, rnd, model = _open_round()
    qid = model.question_ids[0]
    key = f"{rnd.id}_{qid}"
    at = open_page("workshop_page.py", lang="en")
    at.button(key=f"ws_{key}_opt_4").click().run()
    at.text_area(key=f"ws_rationale_{key}").input("KPIs are reported quarterly")
    at.button(key=f"ws_save_{key}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Consensus saved: 4 · Quantitatively managed" in s.value for s in at.success)
    saved = ratings_frame(engine, client.id, rnd.id).set_index("question_id").loc[qid]
    assert (saved["value"], saved["rationale"]) == (4.0, "KPIs are reported quarterly")

    at.button(key=f"ws_{key}_opt_5").click().run()  # the page now shows version v; another device saves v+1
    set_rating(engine, client.id, rnd.id, qid, 2, rationale="other device", expected_version=int(saved["version"]))
    at.button(key=f"ws_save_{key}").click().run()
    assert any("changed by someone else" in w.value and "2 · Managed" in w.value for w in at.warning)
    assert ratings_frame(engine, client.id, rnd.id).set_index("question_id").loc[qid, "value"] == 2.0
