"""The facilitator's view of the workshop page: the callbacks that move, rate and renew the code
(each a use case that checks ``assessment.run`` itself, so a revoked facilitator's next click is
refused), the side panel (code and live votes from one read), the facilitator's tools (anonymous
voting, the personal links) and the consensus cards. Nothing here is shown on the presenter view."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import CockpitError, ConflictError
from core.i18n import t
from ui import assessment_widgets as aw
from ui.auth_gate import still_allowed
from ui.join_links import claim_text, link_sheet, unreachable, vote_link
from ui.widgets import show_error
from usecases import assessment


def pick(key: str, value: float | None, not_applicable: bool) -> None:
    st.session_state[key] = (value, not_applicable)
    st.session_state.pop(key.replace("ws_pick_", "ws_feedback_", 1), None)  # a new pick is not saved yet


def _already_saved(now: dict, wanted: dict) -> bool:
    """Is the row the conflict reports exactly what this save wanted to write? Then the save
    reached the database already (a click delivered twice, or replayed after a reconnect)."""
    same_value = bool(now.get("not_applicable")) == wanted["not_applicable"] and (
        wanted["not_applicable"] or (now.get("value") is not None and float(now["value"]) == wanted["value"]))
    return same_value and all((now.get(f) or "") == wanted[f] for f in ("rationale", "note", "evidence"))


def move(ctx, round_id: int, model, question_id: str, step: int) -> None:
    try:
        assessment.move(ctx.session, round_id, model, question_id, step)
    except CockpitError as exc:
        aw.remember("ws_move_feedback", "error", exc.text(ctx.lang))


def save(ctx, round_id: int, model, qid: str, version: int | None) -> None:
    """Write the consensus. Its message stays under ``ws_feedback_<round>_<question>`` until the
    next pick or save replaces it: a rerun that follows (the 2-second panel, a blur) must not
    take the confirmation away."""
    k = f"{round_id}_{qid}"
    chosen, key, question = st.session_state.get(f"ws_pick_{k}"), f"ws_feedback_{k}", model.question(qid)
    if chosen is None:
        return aw.remember(key, "warning", t("workshop.pick_first", ctx.lang))
    wanted = {"value": chosen[0], "not_applicable": bool(chosen[1]),
              **{f: st.session_state.get(f"ws_{f}_{k}", "") or "" for f in ("rationale", "note", "evidence")}}
    done = t("workshop.saved", ctx.lang, value=aw.value_text(question, chosen[0], ctx.lang, chosen[1]))
    try:
        assessment.set_consensus(ctx.session, round_id, model, qid, chosen[0], chosen[1],
                                 rationale=wanted["rationale"], note=wanted["note"], evidence=wanted["evidence"],
                                 expected_version=version)
        aw.remember(key, "success", done)
    except ConflictError as exc:
        now = exc.current or {}
        if _already_saved(now, wanted):
            return aw.remember(key, "success", done)
        aw.remember(key, "warning", t("workshop.conflict", ctx.lang, value=aw.value_text(
            question, now.get("value"), ctx.lang, bool(now.get("not_applicable")))))
    except CockpitError as exc:
        aw.remember(key, "error", exc.text(ctx.lang))


def renew(ctx, round_id: int) -> None:
    try:
        fresh = assessment.renew_code(ctx.session, round_id)
        aw.remember("ws_code_feedback", "success", t("workshop.code_renewed", ctx.lang, code=fresh.join_code))
    except CockpitError as exc:
        aw.remember("ws_code_feedback", "error", exc.text(ctx.lang))


@st.fragment(run_every=2)
def side_panel(ctx, round_id: int, model, qid: str, base: str, seen: tuple) -> None:
    """The code panel and the live votes, re-read every two seconds from one ``live_question``:
    the participant count of the one and the "n of m" of the other are the same read. ``seen``:
    ``roster(state.participants)`` of the full run; when someone joins or claims a name, the whole
    view reruns, so the personal links below are never stale."""
    if not still_allowed():  # signed out, deactivated or reassigned since the last full run: stop
        st.rerun(scope="app")
    try:  # checked on every refresh: a revoked facilitator stops seeing the voters at once
        live = assessment.live_question(ctx.session, round_id, model, qid)
    except CockpitError as exc:
        show_error(exc, ctx.lang)
        return
    moved = live.round.current_question_id != qid and live.round.current_question_id in model.question_ids
    if moved or roster(live.participants) != seen:  # moved on from the presenter's window, or a join
        st.rerun(scope="app")
    with st.container(border=True, key="code_panel"):
        code_panel(ctx, live, base)
    with st.container(key="live_panel"):
        aw.live_votes(live, model, ctx.lang)
        waiting(live, ctx.lang)


def roster(people) -> tuple:
    return tuple((p.id, p.token, p.claimed_at) for p in people)


def code_panel(ctx, live, base: str) -> None:
    """The join code (faded when expired), its renewal, the join link with its QR code, and a
    warning when that address is one the participants' phones cannot reach."""
    lang, rnd = ctx.lang, live.round
    st.caption(t("workshop.join_code", lang))
    expired = aw.code_expired(rnd)
    faded = ' style="opacity:.35"' if expired else ""
    st.html(f'<div class="ws-code"{faded}>{rnd.join_code or "–"}</div>')
    if expired:
        st.warning(t("workshop.code_expired", lang, at=aw.expiry_text(rnd, lang)))
    else:
        st.caption(t("workshop.code_valid_until", lang, at=aw.expiry_text(rnd, lang)))
    st.button(t("workshop.new_code", lang), key="ws_new_code", icon=":material/refresh:",
              type="primary" if expired else "secondary", disabled=rnd.status != "open", on_click=renew,
              args=(ctx, rnd.id))
    aw.feedback("ws_code_feedback")
    link = vote_link(base, lang, code=rnd.join_code or "")
    st.markdown(f"{t('workshop.join_link', lang)}: `{link}`  \n"
                f"{t('workshop.participants', lang, n=len(live.participants))}")
    reachable_note(base, lang)


def reachable_note(base: str, lang: str) -> None:
    if unreachable(base):
        st.warning(t("workshop.public_url_missing", lang, url=base or "–"), icon=":material/wifi_off:")


def waiting(live, lang: str) -> None:
    """Who has not answered the current question yet (the facilitator's view only)."""
    if not live.participants:
        return
    names = ", ".join(p.name for p in live.waiting)
    st.markdown(f"**{t('workshop.waiting', lang, n=len(live.waiting))}** {aw.plain(names) or '–'}")


def _toggle_anonymous(ctx, round_id: int) -> None:
    try:
        assessment.set_anonymous(ctx.session, round_id, bool(st.session_state.get("ws_anonymous")))
    except CockpitError as exc:
        aw.remember("ws_sheet_feedback", "error", exc.text(ctx.lang))


def _reissue(ctx, round_id: int) -> None:
    pid = st.session_state.get("ws_reissue_who")
    try:
        fresh = assessment.reissue_link(ctx.session, round_id, int(pid))
        aw.remember("ws_sheet_feedback", "success", t("workshop.reissued", ctx.lang, name=fresh.name))
    except (CockpitError, TypeError, ValueError) as exc:
        aw.remember("ws_sheet_feedback", "error", exc.text(ctx.lang) if isinstance(exc, CockpitError) else str(exc))


def facilitator_tools(ctx, rnd, state, base: str) -> None:
    """Only on the facilitator's view: the round option "anonymous voting" and the personal links
    (a table to copy from, a printable sheet with one QR code per person, and reissuing one)."""
    lang = ctx.lang
    st.markdown(f":material/open_in_new: [{t('workshop.open_presenter', lang)}](workshop?round={rnd.id}&view=present)")
    st.toggle(t("workshop.anonymous", lang), value=rnd.anonymous, key="ws_anonymous",
              help=t("workshop.anonymous_help", lang), on_change=_toggle_anonymous, args=(ctx, rnd.id))
    with st.expander(t("workshop.personal_links", lang), icon=":material/lock:"):
        st.caption(t("workshop.personal_links_intro", lang))
        people = [(p.name, vote_link(base, lang, p=p.token), p.claimed_at) for p in state.participants]
        st.dataframe(pd.DataFrame([{t("workshop.col.name", lang): n, t("workshop.col.state", lang): claim_text(c, lang),
                                    t("workshop.col.link", lang): link} for n, link, c in people]),
                     hide_index=True, key="ws_links", width="stretch")
        st.download_button(t("workshop.sheet_download", lang), lambda: _sheet(ctx, rnd, base),
                           file_name=f"links-{rnd.id}.html", mime="text/html", icon=":material/print:",
                           key="ws_sheet", disabled=not people, on_click="ignore")
        by_id = {p.id: p.name for p in state.participants}
        left, right = st.columns([2, 1], vertical_alignment="bottom")
        left.selectbox(t("workshop.reissue_who", lang), list(by_id), format_func=by_id.get, key="ws_reissue_who")
        right.button(t("workshop.reissue", lang), key="ws_reissue", on_click=_reissue, args=(ctx, rnd.id),
                     disabled=not by_id)
        aw.feedback("ws_sheet_feedback")


def _sheet(ctx, rnd, base: str) -> str:
    """The printable sheet, built when the button is pressed (the links as they are then)."""
    people = assessment.presentation(ctx.session, rnd.id).participants
    return link_sheet(rnd.name, [(p.name, vote_link(base, ctx.lang, p=p.token), p.claimed_at) for p in people],
                      ctx.lang)


def consensus_cards(ctx, rnd, model, qid: str, row) -> None:
    """The five answers as cards, "not applicable", the rationale, note and evidence, and Save."""
    lang, k = ctx.lang, f"{rnd.id}_{qid}"
    question = model.question(qid)
    saved = (row["consensus"], bool(row["consensus_na"]))
    version = None if pd.isna(row["version"]) else int(row["version"])
    pick_key = f"ws_pick_{k}"
    chosen = st.session_state.get(pick_key, saved if version is not None else (None, False))
    st.subheader(t("workshop.consensus", lang))
    aw.option_cards(question, lang, None if chosen[1] else chosen[0], pick, (pick_key,), key=f"ws_{k}")
    if question.not_applicable_allowed:
        st.button(t("workshop.na", lang), key=f"ws_na_{k}", type="primary" if chosen[1] else "secondary",
                  on_click=pick, args=(pick_key, None, True))
    if version is not None:
        st.info(t("workshop.current_consensus", lang, value=aw.value_text(question, saved[0], lang, saved[1])))
    st.text_area(t("workshop.rationale", lang), value=row["rationale"], key=f"ws_rationale_{k}")
    left, right = st.columns(2)
    left.text_area(t("workshop.note", lang), value=row["note"], key=f"ws_note_{k}")
    right.text_area(t("workshop.evidence", lang), value=row["evidence"], key=f"ws_evidence_{k}")
    st.button(t("workshop.save", lang), type="primary", icon=":material/check:", key=f"ws_save_{k}",
              on_click=save, args=(ctx, rnd.id, model, qid, version))
    aw.feedback(f"ws_feedback_{k}", keep=True)
    st.caption(t("workshop.keys", lang))
