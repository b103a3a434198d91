"""The presenter view of the workshop page: what the room sees on the projector, laid out to fit
one 16:9 screen (1280x720 and up) without scrolling.

Left: the question and its five answers. Right: "4 von 5 abgestimmt", the live distribution,
the discussion flag, who chose what (not in an anonymous round) and the QR code with the join
code. Everything is re-read every two seconds from one ``live_question`` (the round's current
question, so the view follows the facilitator's other screen). Never here: the personal links
and the list of who has not voted yet (the facilitator's view only).
"""
from __future__ import annotations

from html import escape

import streamlit as st

from core.errors import CockpitError
from core.formatting import number
from core.i18n import t
from ui import assessment_widgets as aw
from ui import workshop_widgets as ww
from ui.auth_gate import still_allowed
from ui.join_links import qr_image, unreachable, vote_link
from ui.widgets import show_error
from usecases import assessment

VIEWS = ("facilitator", "present")
PRESENTER_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding: 1.2rem 2.2rem 0 2.2rem; max-width: 100%;}
.pr-path {font-size: .85rem; color: #5f6b7a; text-transform: uppercase; letter-spacing: .04em;}
.pr-question {font-size: clamp(1.6rem, 2.5vw, 2.4rem); font-weight: 650; line-height: 1.2; margin: .1rem 0 .5rem 0;}
.pr-options {list-style: none; padding: 0 !important; margin: 0 !important;}
.pr-options li {margin-left: 0 !important; font-size: clamp(1rem, 1.3vw, 1.3rem); line-height: 1.3;
  padding: .42rem .7rem; margin-bottom: .35rem;
  border: 1px solid #d5dbe3; border-radius: .5rem; background: #f7f9fb;}
.pr-options b {color: #1f4e79; margin-right: .35rem;}
.pr-voted {font-size: 1.45rem; font-weight: 700; color: #1f4e79;}
.pr-discuss {background: #fff4d6; border-left: .3rem solid #e0a100; padding: .35rem .6rem; font-size: .95rem;}
.pr-names {font-size: .85rem; color: #3d4a5a; line-height: 1.3;}
.pr-join {display: flex; gap: .8rem; align-items: center;}
.pr-join .qr {width: 118px; flex: none;}
.pr-join .code {font-size: 1.9rem; font-weight: 700; letter-spacing: .14em; color: #1f4e79; line-height: 1;}
.pr-join .url {font-size: .8rem; color: #3d4a5a; word-break: break-all;}
.pr-warn {color: #a61b1b; font-size: .8rem; font-weight: 600;}
</style>"""
FULL_SCREEN_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {display: none;}
</style>"""


def view_switch(lang: str) -> str:
    """Facilitator or presenter view, kept in ``?view=`` (the projector's window keeps it on reload)."""
    wanted = st.query_params.get("view", "facilitator")
    view = st.segmented_control(t("workshop.view", lang), VIEWS, default=wanted if wanted in VIEWS else VIEWS[0],
                                format_func=lambda v: t(f"workshop.view.{v}", lang), key="ws_view") or VIEWS[0]
    st.query_params["view"] = view
    return view


def full_screen_toggle(lang: str) -> None:
    """Hide the sidebar and the header (CSS); ``?full=1`` keeps it across a reload."""
    on = st.toggle(t("workshop.full_screen", lang), value=st.query_params.get("full") == "1", key="pr_full")
    if on:
        st.query_params["full"] = "1"
        st.html(FULL_SCREEN_CSS)
    elif "full" in st.query_params:
        del st.query_params["full"]


@st.fragment(run_every=2)
def presenter(ctx, round_id: int, model, base: str) -> None:
    if not still_allowed():
        st.rerun(scope="app")
    try:
        live = assessment.live_question(ctx.session, round_id, model)
    except CockpitError as exc:
        show_error(exc, ctx.lang)
        return
    with st.container(key="presenter"):
        _layout(ctx, live, model, base)


def _layout(ctx, live, model, base: str) -> None:
    lang, qid, rnd = ctx.lang, live.question_id, live.round
    question, ids = model.question(qid), model.question_ids
    position = ids.index(qid) + 1
    head = st.container(horizontal=True, vertical_alignment="center")
    path = " › ".join(g.name.get(lang) for g in model.parents(qid))
    head.html(f'<div class="pr-path">{escape(t("workshop.progress", lang, i=position, n=len(ids)))} · '
              f'{escape(path)}</div>')
    head.button(t("workshop.prev", lang), shortcut="Left", key="pr_prev", type="tertiary", disabled=position == 1,
                on_click=ww.move, args=(ctx, rnd.id, model, qid, -1))
    head.button(t("workshop.next", lang), shortcut="Right", key="pr_next", type="tertiary",
                disabled=position == len(ids), on_click=ww.move, args=(ctx, rnd.id, model, qid, 1))
    left, right = st.columns([1.8, 1], gap="large")
    options = "".join(f"<li><b>{escape(aw.value_text(question, o.value, lang))}</b>{escape(o.text.get(lang))}</li>"
                      for o in question.options)
    with left, st.container(key="pr_answers"):
        st.html(f'<div class="pr-question">{escape(question.text.get(lang))}</div>'
                f'<ul class="pr-options">{options}</ul>')
    with right:
        _live(live, question, lang)
        _join(rnd, base, lang)


def _live(live, question, lang: str) -> None:
    people = len(live.participants)
    st.html(f'<div class="pr-voted">{escape(t("workshop.voted_short", lang, n=live.voted, m=people))}</div>')
    st.progress(live.voted / people if people else 0.0)
    with st.container(key="pr_chart"):
        aw.vote_chart(live, lang, height=190)
    if live.row["discuss"]:
        flag = t("workshop.discuss", lang, spread=number(live.row["spread"], lang, 0))
        st.html(f'<div class="pr-discuss">{escape(flag)}</div>')
    if not live.round.anonymous and not live.votes.empty:
        shown = ", ".join(f"{p} {aw.value_text(question, v, lang, na).split(' · ')[0]}" for p, v, na in
                          zip(live.votes["participant"], live.votes["value"], live.votes["not_applicable"]))
        st.html(f'<div class="pr-names">{escape(shown)}</div>')


def _join(rnd, base: str, lang: str) -> None:
    link = vote_link(base, lang, code=rnd.join_code or "")
    problems = [t("workshop.public_url_missing", lang, url=base or "–")] if unreachable(base) else []
    if aw.code_expired(rnd):
        problems.append(t("workshop.code_expired", lang, at=aw.expiry_text(rnd, lang)))
    warn = "".join(f'<div class="pr-warn">{escape(text)}</div>' for text in problems)
    st.html(f'<div class="pr-join"><div class="qr">{qr_image(link, link)}</div><div><div class="code">'
            f'{escape(rnd.join_code or "–")}</div><div class="url">{escape(link)}</div>{warn}</div></div>')
