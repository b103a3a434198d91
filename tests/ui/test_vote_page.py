"""Vote page on the seeded demo: join with the code (prefilled from ?code=), the token goes into the
URL (?p=), and a tap on an answer is in the database before the page confirms it."""
from __future__ import annotations

import uuid

from tests.ui.apptest import open_page


def _open_round():
    from core.settings import load_settings
    from storage.assessments import list_rounds
    from storage.clients import list_clients
    from storage.db import connect

    engine = connect(load_settings().database_url)
    client = list_clients(engine)[0]
    return engine, client, next(r for r in list_rounds(engine, client.id) if r.status == "open")


def test_join_by_code_and_vote_lands_in_the_database(demo_env):
    from services import workshop
    from storage.assessments import get_round, participant_by_token, votes_frame

    engine, client, rnd = _open_round()
    name = f"Gast {uuid.uuid4().hex[:6]}"
    at = open_page("vote_page.py", lang="en", code=rnd.join_code)
    assert at.text_input(key="vote_code").value == rnd.join_code
    at.text_input(key="vote_name").input(name)
    at.button(key="vote_join").click().run()
    assert not at.exception, [e.value for e in at.exception]
    me = participant_by_token(engine, at.query_params["p"][0] if isinstance(at.query_params["p"], list)
                              else at.query_params["p"])
    assert me is not None and me.name == name and me.round_id == rnd.id
    assert any(f"Hello {name}" in h.value for h in at.subheader)

    qid = get_round(engine, client.id, rnd.id).current_question_id
    question = workshop.model_by_id(rnd.model_id).question(qid)
    at.button(key=f"vote_{me.id}_{qid}_opt_2").click().run()
    votes = votes_frame(engine, client.id, rnd.id)
    mine = votes[(votes["participant"] == name) & (votes["question_id"] == qid)]
    assert mine["value"].tolist() == [question.options[1].value]
    assert any("Your vote is saved: 2 · Managed" in s.value for s in at.success)


def test_a_wrong_code_is_refused_and_an_unknown_link_explained(demo_env):
    at = open_page("vote_page.py", lang="en", code="ZZZZZZ", p="not-a-token")
    assert any("personal link is not valid" in w.value for w in at.warning)
    at.text_input(key="vote_name").input("Mallory")
    at.button(key="vote_join").click().run()
    assert any("not valid" in e.value for e in at.error)
    assert "p" not in at.query_params or at.query_params["p"] in ("not-a-token", ["not-a-token"])


def test_a_failed_write_is_not_confirmed(demo_env, monkeypatch):
    from core.errors import StorageError
    from storage import assessments
    from storage.assessments import get_round, join_by_code

    engine, client, rnd = _open_round()
    me = join_by_code(engine, rnd.join_code, f"Offline {uuid.uuid4().hex[:6]}")
    qid = get_round(engine, client.id, rnd.id).current_question_id

    def database_gone(*args, **kwargs):
        raise StorageError("connection lost")

    monkeypatch.setattr(assessments, "cast_vote", database_gone)
    at = open_page("vote_page.py", lang="en", p=me.token)
    at.button(key=f"vote_{me.id}_{qid}_opt_3").click().run()
    assert any("was NOT saved" in e.value for e in at.error)
    assert not any("Your vote is saved" in s.value for s in at.success)


def test_participants_switch_the_language_on_the_page(demo_env):
    """The sidebar (and the shell's switch in it) is hidden on the vote page: it has its own."""
    at = open_page("vote_page.py", lang="de")
    assert at.title[0].value == "Abstimmen" and at.button(key="vote_lang_de").proto.type == "primary"
    at.button(key="vote_lang_en").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Vote" and at.session_state["lang"] == "en"
    assert at.button(key="vote_lang_en").proto.type == "primary"
    assert at.text_input(key="vote_name").label == "Your name"
    at.button(key="vote_lang_de").click().run()
    assert at.title[0].value == "Abstimmen"


def test_opened_from_the_sidebar_the_vote_page_leads_back_to_the_workshop(demo_env):
    at = open_page("vote_page.py", lang="de")
    links = list(at.get("page_link"))
    assert [el.proto.label for el in links] == ["Zurück zum Workshop"]
    assert "workshop" in links[0].proto.page  # the page's URL path, the sidebar being hidden here
