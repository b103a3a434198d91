"""Workshop: one question at a time, in two views (``?view=``).

- facilitator: the question, the consensus cards, the code and the live votes (one read every two
  seconds), who has not voted yet, anonymous voting and the personal links (never projected);
- present: the projector's 16:9 screen (``ui.presenter_widgets``), with a full-screen toggle.

The current question lives in the round (a refresh, the projector's window or a second device
continues there); the consensus is saved with the version it was read at, so a concurrent change
is reported instead of overwritten. Every read and write is a use case of ``usecases.assessment``
that checks ``assessment.run``.
"""
from __future__ import annotations

from html import escape

import streamlit as st

from core.i18n import t
from ui import assessment_widgets as aw
from ui import presenter_widgets as pw
from ui import workshop_widgets as ww
from ui.join_links import join_base
from ui.state import context
from ui.widgets import empty_state
from usecases import assessment

ctx = context()
lang = ctx.lang
st.html(aw.BIG_TYPE)
if ctx.client is None or not (rounds := assessment.rounds(ctx.session)):
    empty_state(t("workshop.no_round", lang), aw.link_if_allowed("ui/pages/assessment_page.py"),
                t("workshop.to_assessment", lang))
    st.stop()
with st.sidebar:
    rnd = aw.round_picker(rounds, lang)
    view = pw.view_switch(lang)
base = join_base(ctx.settings.public_url, st.context.url or "")
if view == "present":
    st.html(pw.PRESENTER_CSS)
    pw.full_screen_toggle(lang)
    pw.presenter(ctx, rnd.id, assessment.model_of(rnd), base)
    st.stop()
state = assessment.presentation(ctx.session, rnd.id)
model, qid = state.model, state.current_question_id
question, n = model.question(qid), len(model.question_ids)

main, side = st.columns([3, 1.3], gap="large")
with side:
    ww.side_panel(ctx, rnd.id, model, qid, base, ww.roster(state.participants))
    ww.facilitator_tools(ctx, rnd, state, base)
with main:
    if rnd.status != "open":
        st.warning(t("workshop.closed", lang))
    st.progress(state.position / n, text=t("workshop.progress", lang, i=state.position, n=n))
    nav = st.container(horizontal=True)
    nav.button(t("workshop.prev", lang), shortcut="Left", key="ws_prev",
               disabled=state.position == 1, on_click=ww.move, args=(ctx, rnd.id, model, qid, -1))
    nav.button(t("workshop.next", lang), shortcut="Right", key="ws_next",
               type="primary", disabled=state.position == n, on_click=ww.move, args=(ctx, rnd.id, model, qid, 1))
    aw.feedback("ws_move_feedback")
    path = " › ".join(g.name.get(lang) for g in model.parents(qid))
    st.html(f'<div class="ws-path">{escape(path)}</div>'
            f'<div class="ws-question">{escape(question.text.get(lang))}</div>')
    if question.help.get(lang):
        st.markdown(f":material/info: {question.help.get(lang)}")
    if question.evidence.get(lang):
        st.markdown(f":material/folder_open: **{t('workshop.evidence_hint', lang)}:** {question.evidence.get(lang)}")
    ww.consensus_cards(ctx, rnd, model, qid, state.question_row())
