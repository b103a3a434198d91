"""The workshop page's parts: the callbacks that move, rate and renew the code (each a use case
that checks ``assessment.run`` itself, so a revoked facilitator's next click is refused), the code
panel and the consensus cards."""
from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from core.errors import CockpitError, ConflictError
from core.i18n import t
from ui import assessment_widgets as aw
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


def code_panel(ctx, rnd, state) -> None:
    """The join code (faded when expired), its renewal, the join link and the personal links."""
    lang = ctx.lang
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
    url = st.context.url or ""
    base = "{0.scheme}://{0.netloc}".format(urlsplit(url)) if url.startswith("http") else ""
    st.markdown(f"{t('workshop.join_link', lang)}: `{aw.vote_link(base, lang, code=rnd.join_code or '')}`  \n"
                f"{t('workshop.participants', lang, n=len(state.participants))}")
    with st.expander(t("workshop.personal_links", lang)):
        st.markdown("\n".join(f"- {aw.plain(p.name)}: `{aw.vote_link(base, lang, p=p.token)}`"
                               for p in state.participants))


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
