"""The participant's ballot: the question the facilitator shows, re-read every two seconds, and
the answer cards (Streamlit; ``usecases.assessment.ballot`` / ``cast_vote`` check the vote right)."""
from __future__ import annotations

from html import escape

import streamlit as st

from core.errors import CockpitError, StorageError
from core.i18n import t
from services.workshop import model_by_id
from ui import assessment_widgets as aw
from ui.auth_gate import still_allowed
from ui.widgets import show_error
from usecases import assessment


def _cast(session, lang: str, token: str, model, qid: str, value: float | None, not_applicable: bool) -> None:
    try:
        assessment.cast_vote(session, model, qid, value, not_applicable, token=token)
    except StorageError:
        return aw.remember("vote_feedback", "error", t("vote.not_saved", lang))
    except CockpitError as exc:
        return aw.remember("vote_feedback", "error", exc.text(lang))
    st.session_state.pop("vote_feedback", None)  # the confirmation below is read back from the database


@st.fragment(run_every=2)
def ballot(session, lang: str, token: str) -> None:
    """Follow the facilitator; an error (a database that went away, a link the facilitator
    reissued) shows through the one handler."""
    if not still_allowed():  # a signed-in voter was signed out or deactivated since the last full run: stop
        st.rerun(scope="app")
    try:
        _ballot(session, lang, token)
    except CockpitError as exc:
        show_error(exc, lang)


def _ballot(session, lang: str, token: str) -> None:
    rnd, mine_all = assessment.ballot(session, token)
    if rnd.status != "open":
        st.info(t("vote.closed", lang))
        return
    model = model_by_id(rnd.model_id)
    if rnd.current_question_id not in model.question_ids:
        st.info(t("vote.waiting", lang))
        return
    qid, question = rnd.current_question_id, model.question(rnd.current_question_id)
    mine = mine_all[mine_all["question_id"] == qid]
    value, na = (mine["value"].iloc[0], bool(mine["not_applicable"].iloc[0])) if len(mine) else (None, False)
    position = model.question_ids.index(qid) + 1
    st.progress(position / len(model.question_ids),
                text=t("workshop.progress", lang, i=position, n=len(model.question_ids)))
    st.html(f'<div class="ws-question" style="font-size:1.7rem">{escape(question.text.get(lang))}</div>')
    if question.help.get(lang):
        st.caption(question.help.get(lang))
    aw.feedback("vote_feedback")
    if len(mine):
        st.success(t("vote.saved", lang, value=aw.value_text(question, value, lang, na)),
                   icon=":material/check_circle:")
    aw.option_cards(question, lang, None if na else value, _cast, (session, lang, token, model, qid),
                    key=f"vote_{session.principal.participant_id}_{qid}", shortcuts=False)
    if question.not_applicable_allowed:
        st.button(t("vote.na", lang), key=f"vote_na_{qid}", type="primary" if na else "secondary",
                  on_click=_cast, args=(session, lang, token, model, qid, None, True), width="stretch")
