"""Streamlit pieces of the assessment pages: round picker, answer cards, new round, live panel, targets.

The numbers come from ``usecases.assessment`` (which checks the permissions); this module only lays
them out and formats them.
Writes go through callbacks that carry the version the user saw, so a concurrent change becomes a
ConflictError ("changed by someone else") instead of a silent overwrite.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from html import escape

import pandas as pd
import streamlit as st

from assessment.model import MaturityModel, Question
from charts.bar import bar
from core.errors import CockpitError, ConflictError
from core.formatting import number
from core.i18n import LANGUAGES, t
from services.workshop import models as shipped_models
from usecases.assessment import Round
from ui.auth_gate import page_allowed
from ui.widgets import show_error
from usecases import assessment
from usecases.session import allowed

BIG_TYPE = """<style>
.ws-question {font-size: 2.3rem; font-weight: 650; line-height: 1.25; margin: .2rem 0 .6rem 0;}
.ws-path {font-size: 1.05rem; color: #5f6b7a; text-transform: uppercase; letter-spacing: .04em;}
.ws-code {font-size: 2.6rem; font-weight: 700; letter-spacing: .18em; color: #1f4e79; line-height: 1.1;}
[class*="st-key-cards"] button {min-height: 4.2rem; justify-content: flex-start; text-align: left;
  padding: .6rem 1rem;}
[class*="st-key-cards"] button p {font-size: 1.3rem; line-height: 1.35;}
[class*="st-key-live"] [data-stale="true"], [class*="st-key-ballot"] [data-stale="true"]
  {opacity: 1 !important; transition: none !important;}  /* the 2-second refresh must not flicker */
</style>"""
NO_SIDEBAR = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] {display: none;}
</style>"""


LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


def code_expired(rnd: Round, at: datetime | None = None) -> bool:
    return rnd.join_expires_at is not None and rnd.join_expires_at <= (at or datetime.now(timezone.utc))


def expiry_text(rnd: Round, lang: str) -> str:
    """When the join code stops working, in UTC ("23.11.2026 18:30 UTC")."""
    if rnd.join_expires_at is None:
        return "–"
    return rnd.join_expires_at.astimezone(timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC" if lang == "en" else "%d.%m.%Y %H:%M UTC")


def _set_language(code: str) -> None:
    st.session_state["lang"] = code  # the shell's URL-bound switch (key "lang") follows on the rerun


def language_toggle(lang: str, key: str) -> None:
    """Deutsch / English buttons for pages without the sidebar (the participants' vote page)."""
    row = st.container(horizontal=True, horizontal_alignment="right", key=key)
    for code in LANGUAGES:
        row.button(LANGUAGE_NAMES.get(code, code), key=f"{key}_{code}", type="primary" if code == lang else "tertiary",
                   on_click=_set_language, args=(code,))


def may(ctx, action: str) -> bool:
    """Does the session's principal have ``action`` on its client (the use case checks again)?"""
    return allowed(ctx.session, action)


def link_if_allowed(page: str) -> str | None:
    return page if page_allowed(page) else None


def plain(text: str) -> str:
    """``text`` (a participant's name, say) shown literally inside Markdown."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", str(text))


def value_text(question: Question, value: float | None, lang: str, not_applicable: bool = False) -> str:
    """'3 · Definiert' (the option's value and scale label), or 'Nicht zutreffend'."""
    if not_applicable:
        return t("workshop.na", lang)
    if value is None or pd.isna(value):
        return "–"
    option = question.option(float(value))
    shown = number(value, lang, 0 if float(value).is_integer() else 2)
    return f"{shown} · {option.label.get(lang)}" if option is not None and option.label.get(lang) else shown


def round_picker(rounds: list[Round], lang: str) -> Round:
    """Select a round; its id goes into ``?round=`` (a refresh or a shared link stays on it).
    Without one: the newest open round."""
    by_id = {r.id: r for r in rounds}
    wanted = str(st.query_params.get("round", ""))
    default = next((i for i, r in enumerate(rounds) if r.status == "open"), 0)
    if wanted.isdigit() and int(wanted) in by_id:
        default = list(by_id).index(int(wanted))
    models = shipped_models()

    def label(round_id: int) -> str:
        r = by_id[round_id]
        name = models[r.model_id].name.get(lang) if r.model_id in models else r.model_id
        return t("assessment.page.round_label", lang, name=r.name, model=name,
                 status=t(f"assessment.page.status.{r.status}", lang))

    picked = st.selectbox(t("assessment.page.round", lang), list(by_id), index=default, format_func=label,
                          key="round")
    chosen = by_id.get(picked, rounds[default])
    st.query_params["round"] = str(chosen.id)
    return chosen


def option_cards(question: Question, lang: str, selected: float | None, on_pick, args: tuple, key: str,
                 shortcuts: bool = True) -> None:
    """One large button per answer option (the level text); the selected one is highlighted."""
    with st.container(key=f"cards_{key}"):
        for i, option in enumerate(question.options, start=1):
            head = value_text(question, option.value, lang)
            st.button(f"**{head}** — {option.text.get(lang)}", key=f"{key}_opt_{i}", width="stretch",
                      type="primary" if selected is not None and option.value == selected else "secondary",
                      on_click=on_pick, args=(*args, option.value, False), wrap=True,
                      shortcut=str(i) if shortcuts and i <= 9 else None)


def remember(key: str, kind: str, text: str) -> None:
    st.session_state[key] = (kind, text)


def feedback(key: str, keep: bool = False) -> None:
    """Show what a callback stored under ``key``: once, or with ``keep`` on every run until the
    next callback replaces it."""
    kind, text = st.session_state.get(key, (None, None)) if keep else st.session_state.pop(key, (None, None))
    if kind:
        getattr(st, kind)(text)


def new_round_form(ctx, expanded: bool) -> Round | None:
    """Create a round: model, name, participants (one per line), median or mean consensus."""
    lang = ctx.lang
    with st.expander(t("assessment.page.new_round", lang), expanded=expanded, icon=":material/add:"), \
            st.form("new_round", clear_on_submit=True):
        models = shipped_models()
        model_id = st.selectbox(t("assessment.page.model", lang), list(models), key="new_round_model",
                                format_func=lambda m: f"{models[m].name.get(lang)} ({models[m].version})")
        name = st.text_input(t("assessment.page.round_name", lang), key="new_round_name")
        people = st.text_area(t("assessment.page.participants", lang), key="new_round_people")
        aggregation = st.radio(t("assessment.page.aggregation", lang), ["median", "mean"], horizontal=True,
                               format_func=lambda a: t(f"assessment.page.aggregation.{a}", lang),
                               key="new_round_aggregation")
        anonymous = st.checkbox(t("workshop.anonymous", lang), key="new_round_anonymous",
                                help=t("workshop.anonymous_help", lang))
        if not st.form_submit_button(t("assessment.page.create", lang), type="primary"):
            return None
        try:
            made = assessment.start_round(ctx.session, model_id, name, (people or "").splitlines(), aggregation,
                                          anonymous=anonymous)
        except CockpitError as exc:
            show_error(exc, lang)
            return None
        st.session_state["round"] = made.id
        st.query_params["round"] = str(made.id)
        st.success(t("assessment.page.created", lang, name=made.name, code=made.join_code))
        return made


# -- the live votes (the facilitator's side panel and the presenter view) ----------------------
def vote_chart(live, lang: str, height: int = 240) -> None:
    """The distribution of the question's answers as bars, one per option (zeros included)."""
    dist = live.distribution
    fig = bar(dist.assign(value=dist["value"].map(lambda v: number(v, lang, 0 if float(v).is_integer() else 2))),
              x="value", y="count", lang=lang)
    fig.update_layout(height=height, showlegend=False, margin={"l": 40, "r": 10, "t": 10, "b": 40})
    fig.update_yaxes(dtick=1)
    st.plotly_chart(fig, key="live_bar", config={"displayModeBar": False})


def live_votes(live, model, lang: str) -> None:
    """The facilitator's live panel: voted / participants, median, mean, spread, the discussion
    flag, the chart and who chose what (not for an anonymous round)."""
    row, votes, question = live.row, live.votes, model.question(live.question_id)
    st.subheader(t("workshop.live", lang))
    st.markdown(f"**{t('workshop.voted', lang, n=live.voted, m=len(live.participants))}**")
    if votes.empty:
        st.caption(t("workshop.no_votes", lang))
        return
    a, b, c = st.columns(3)
    a.metric(t("workshop.median", lang), number(row["median"], lang, 1))
    b.metric(t("workshop.mean", lang), number(row["mean"], lang, 2))
    c.metric(t("workshop.spread", lang), number(row["spread"], lang, 0))
    if row["discuss"]:
        st.warning(t("workshop.discuss", lang, spread=number(row["spread"], lang, 0)), icon=":material/forum:")
    vote_chart(live, lang)
    if live.round.anonymous:
        st.caption(t("workshop.anonymous_on", lang))
        return
    items = "".join(f"<li>{escape(p)} → {escape(value_text(question, v, lang, na))}</li>"
                    for p, v, na in zip(votes["participant"], votes["value"], votes["not_applicable"]))
    st.html(f"<b>{escape(t('workshop.who', lang))}</b><ul>{items}</ul>")


# -- targets -----------------------------------------------------------------------------------
def _save_targets(ctx, rnd: Round, model: MaturityModel, seen: dict[str, tuple[float | None, int | None]]) -> None:
    """Callback: write the changed targets with the versions the user saw."""
    lang, saved, problems = ctx.lang, 0, []
    for g in model.top_groups:
        value = st.session_state.get(f"target_{rnd.id}_{g.id}")
        old, version = seen[g.id]
        if value is None or (old is not None and abs(float(value) - old) < 1e-9):
            continue
        try:
            assessment.set_target(ctx.session, rnd.id, model, g.id, float(value), expected_version=version)
            saved += 1
        except ConflictError as exc:
            now = (exc.current or {}).get("target")
            problems.append(t("assessment.page.conflict", lang, name=g.name.get(lang), value=number(now, lang, 1)))
        except CockpitError as exc:
            problems.append(exc.text(lang))
    text = t("assessment.page.targets_saved", lang, n=saved) if saved else t("assessment.page.targets_unchanged", lang)
    remember("targets_feedback", "warning" if problems else "success", "\n\n".join([*problems, text]))


def targets_view(ctx, rnd: Round, model: MaturityModel) -> None:
    lang = ctx.lang
    st.caption(t("assessment.page.targets_intro", lang))
    current = assessment.targets(ctx.session, rnd.id)
    lo, hi = model.score_range  # domain scores, not answers: a SAMM practice sums to 0..3
    step = 0.5 if hi - lo >= 2 else 0.05
    seen = {g.id: ((current[g.id].target, current[g.id].version) if g.id in current else (None, None))
            for g in model.top_groups}
    with st.form(f"targets_{rnd.id}"):
        for g in model.top_groups:
            st.number_input(g.name.get(lang), min_value=float(lo), max_value=float(hi), step=step,
                            value=seen[g.id][0], format="%.1f", key=f"target_{rnd.id}_{g.id}")
        st.form_submit_button(t("assessment.page.targets_save", lang), type="primary",
                              on_click=_save_targets, args=(ctx, rnd, model, seen),
                              disabled=not may(ctx, "assessment.run"))
    feedback("targets_feedback")
