"""Vote: participants join with the workshop code and their name, then answer the question the
facilitator shows. Their personal token sits in the URL (``?p=``), so a refresh or a dropped
connection keeps who they are; each tap is written to the database at once and confirmed only
after the write succeeded."""
from __future__ import annotations

from html import escape

import streamlit as st

from core.errors import CockpitError, StorageError
from core.i18n import t
from services import workshop
from storage.assessments import get_round, participant_by_token, votes_frame
from ui import assessment_widgets as aw
from ui.state import context
from ui.widgets import show_error


def _cast(ctx, participant, model, qid: str, value: float | None, not_applicable: bool) -> None:
    try:
        workshop.vote(ctx.engine, participant, model, qid, value, not_applicable)
    except StorageError:
        return aw.remember("vote_feedback", "error", t("vote.not_saved", ctx.lang))
    except CockpitError as exc:
        return aw.remember("vote_feedback", "error", exc.message)
    st.session_state.pop("vote_feedback", None)  # the confirmation below is read back from the database


@st.fragment(run_every=2)
def ballot(ctx, participant) -> None:
    """Follow the facilitator: re-read the round's current question every two seconds."""
    lang = ctx.lang
    rnd = get_round(ctx.engine, participant.client_id, participant.round_id)
    if rnd.status != "open":
        st.info(t("vote.closed", lang))
        return
    model = workshop.model_by_id(rnd.model_id)
    if rnd.current_question_id not in model.question_ids:
        st.info(t("vote.waiting", lang))
        return
    qid, question = rnd.current_question_id, model.question(rnd.current_question_id)
    votes = votes_frame(ctx.engine, participant.client_id, participant.round_id)
    mine = votes[(votes["question_id"] == qid) & (votes["participant_id"] == participant.id)]
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
    aw.option_cards(question, lang, None if na else value, _cast, (ctx, participant, model, qid),
                    key=f"vote_{participant.id}_{qid}", shortcuts=False)
    if question.not_applicable_allowed:
        st.button(t("vote.na", lang), key=f"vote_na_{qid}", type="primary" if na else "secondary",
                  on_click=_cast, args=(ctx, participant, model, qid, None, True), width="stretch")


ctx = context()
lang = ctx.lang
st.html(aw.BIG_TYPE + aw.NO_SIDEBAR)
aw.language_toggle(lang, "vote_lang")  # the shell's switch sits in the hidden sidebar
token = st.query_params.get("p", "")
participant = participant_by_token(ctx.engine, token) if token else None
if participant is None:
    st.title(t("vote.title", lang))
    if token:
        st.warning(t("vote.unknown_link", lang))
    st.caption(t("vote.intro", lang))
    with st.form("join"):
        code = st.text_input(t("vote.code", lang), value=st.query_params.get("code", ""), key="vote_code",
                             max_chars=12)
        name = st.text_input(t("vote.name", lang), key="vote_name", max_chars=80)
        if st.form_submit_button(t("vote.join", lang), type="primary", width="stretch", key="vote_join"):
            try:
                joined = workshop.join(ctx.engine, code, name)
                st.query_params["p"] = joined.token
                if "code" in st.query_params:
                    del st.query_params["code"]
                st.rerun()
            except CockpitError as exc:
                show_error(exc, lang)
    st.stop()

st.subheader(t("vote.hello", lang, name=aw.plain(participant.name)))
st.caption(t("vote.keep_link", lang))
with st.container(key="ballot"):
    ballot(ctx, participant)
