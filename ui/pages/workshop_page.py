"""Workshop: the facilitator's presentation view, one question at a time in large type.

The current question lives in the round (a refresh or a second device continues there); the live
panel re-reads the votes every two seconds; the consensus is saved with the version it was read
at, so a concurrent change is reported instead of overwritten.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from auth.guard import require
from core.errors import CockpitError, ConflictError
from core.i18n import t
from services import workshop
from storage.assessments import list_rounds, renew_join_code
from ui import assessment_widgets as aw
from ui.auth_gate import current_principal
from ui.state import context
from ui.widgets import empty_state


def _pick(key: str, value: float | None, not_applicable: bool) -> None:
    st.session_state[key] = (value, not_applicable)


def _move(ctx, round_id: int, model, question_id: str, step: int) -> None:
    try:
        require(current_principal(), "assessment.run", ctx.client.id)
        workshop.move(ctx.engine, ctx.client.id, round_id, model, question_id, step, actor=ctx.actor)
    except CockpitError as exc:
        aw.remember("ws_feedback", "error", exc.message)


def _save(ctx, round_id: int, model, qid: str, version: int | None) -> None:
    pick, k = st.session_state.get(f"ws_pick_{round_id}_{qid}"), f"{round_id}_{qid}"
    question = model.question(qid)
    if pick is None:
        return aw.remember("ws_feedback", "warning", t("workshop.pick_first", ctx.lang))
    try:
        require(current_principal(), "assessment.run", ctx.client.id)
        workshop.set_consensus(ctx.engine, ctx.client.id, round_id, model, qid, pick[0], pick[1],
                               rationale=st.session_state.get(f"ws_rationale_{k}", ""),
                               note=st.session_state.get(f"ws_note_{k}", ""),
                               evidence=st.session_state.get(f"ws_evidence_{k}", ""),
                               expected_version=version, actor=ctx.actor)
        aw.remember("ws_feedback", "success", t("workshop.saved", ctx.lang,
                                                value=aw.value_text(question, pick[0], ctx.lang, pick[1])))
    except ConflictError as exc:
        now = exc.current or {}
        aw.remember("ws_feedback", "warning", t("workshop.conflict", ctx.lang, value=aw.value_text(
            question, now.get("value"), ctx.lang, bool(now.get("not_applicable")))))
    except CockpitError as exc:
        aw.remember("ws_feedback", "error", exc.message)


def _renew(ctx, round_id: int) -> None:
    try:
        require(current_principal(), "assessment.run", ctx.client.id)
        fresh = renew_join_code(ctx.engine, ctx.client.id, round_id, ctx.actor)
        aw.remember("ws_code_feedback", "success", t("workshop.code_renewed", ctx.lang, code=fresh.join_code))
    except CockpitError as exc:
        aw.remember("ws_code_feedback", "error", exc.message)


ctx = context()
lang = ctx.lang
st.html(aw.BIG_TYPE)
if ctx.client is None or not (rounds := list_rounds(ctx.engine, ctx.client.id)):
    empty_state(t("workshop.no_round", lang), aw.link_if_allowed("ui/pages/assessment_page.py"),
                t("workshop.to_assessment", lang))
    st.stop()
require(current_principal(), "assessment.run", ctx.client.id)
with st.sidebar:
    rnd = aw.round_picker(rounds, lang)
state = workshop.round_state(ctx.engine, ctx.client.id, rnd.id)
model, qid = state.model, state.current_question_id
question, row, n = model.question(qid), state.question_row(), len(model.question_ids)
k = f"{rnd.id}_{qid}"

main, side = st.columns([3, 1.3], gap="large")
with side, st.container(border=True):
    st.caption(t("workshop.join_code", lang))
    expired = aw.code_expired(rnd)
    faded = ' style="opacity:.35"' if expired else ""
    st.html(f'<div class="ws-code"{faded}>{rnd.join_code or "–"}</div>')
    if expired:
        st.warning(t("workshop.code_expired", lang, at=aw.expiry_text(rnd, lang)))
    else:
        st.caption(t("workshop.code_valid_until", lang, at=aw.expiry_text(rnd, lang)))
    st.button(t("workshop.new_code", lang), key="ws_new_code", icon=":material/refresh:",
              type="primary" if expired else "secondary", disabled=rnd.status != "open",
              on_click=_renew, args=(ctx, rnd.id))
    aw.feedback("ws_code_feedback")
    url = st.context.url or ""
    base = "{0.scheme}://{0.netloc}".format(urlsplit(url)) if url.startswith("http") else ""
    st.markdown(f"{t('workshop.join_link', lang)}: `{aw.vote_link(base, lang, code=rnd.join_code or '')}`  \n"
                f"{t('workshop.participants', lang, n=len(state.participants))}")
    with st.expander(t("workshop.personal_links", lang)):
        st.markdown("\n".join(f"- {aw.plain(p.name)}: `{aw.vote_link(base, lang, p=p.token)}`"
                               for p in state.participants))
with main:
    if rnd.status != "open":
        st.warning(t("workshop.closed", lang))
    st.progress(state.position / n, text=t("workshop.progress", lang, i=state.position, n=n))
    nav = st.container(horizontal=True)
    nav.button(t("workshop.prev", lang), icon=":material/arrow_back:", shortcut="Left", key="ws_prev",
               disabled=state.position == 1, on_click=_move, args=(ctx, rnd.id, model, qid, -1))
    nav.button(t("workshop.next", lang), icon=":material/arrow_forward:", shortcut="Right", key="ws_next",
               type="primary", disabled=state.position == n, on_click=_move, args=(ctx, rnd.id, model, qid, 1))
    path = " › ".join(g.name.get(lang) for g in model.parents(qid))
    st.html(f'<div class="ws-path">{escape(path)}</div>'
            f'<div class="ws-question">{escape(question.text.get(lang))}</div>')
    if question.help.get(lang):
        st.markdown(f":material/info: {question.help.get(lang)}")
    if question.evidence.get(lang):
        st.markdown(f":material/folder_open: **{t('workshop.evidence_hint', lang)}:** {question.evidence.get(lang)}")

cards, live = st.columns([3, 2], gap="large")
saved = (row["consensus"], bool(row["consensus_na"]))
version = None if pd.isna(row["version"]) else int(row["version"])
pick_key = f"ws_pick_{k}"
pick = st.session_state.get(pick_key, saved if version is not None else (None, False))
with cards:
    st.subheader(t("workshop.consensus", lang))
    aw.option_cards(question, lang, None if pick[1] else pick[0], _pick, (pick_key,), key=f"ws_{k}")
    if question.not_applicable_allowed:
        st.button(t("workshop.na", lang), key=f"ws_na_{k}", type="primary" if pick[1] else "secondary",
                  on_click=_pick, args=(pick_key, None, True))
    if version is not None:
        st.info(t("workshop.current_consensus", lang, value=aw.value_text(question, saved[0], lang, saved[1])))
    st.text_area(t("workshop.rationale", lang), value=row["rationale"], key=f"ws_rationale_{k}")
    left, right = st.columns(2)
    left.text_area(t("workshop.note", lang), value=row["note"], key=f"ws_note_{k}")
    right.text_area(t("workshop.evidence", lang), value=row["evidence"], key=f"ws_evidence_{k}")
    st.button(t("workshop.save", lang), type="primary", icon=":material/check:", key=f"ws_save_{k}",
              on_click=_save, args=(ctx, rnd.id, model, qid, version))
    aw.feedback("ws_feedback")
    st.caption(t("workshop.keys", lang))
with live:
    aw.live_panel(ctx, rnd.id, model, qid)
