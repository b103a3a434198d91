"""Maturity assessment: pick (or create) a round of the selected client; results, targets, questions.

Results: maturity index and staged level with the "why this level" explanation, radar (current,
target, previous round), domain table, roadmap, heatmap, comparison with earlier rounds and the
anonymised benchmark. Everything is read through ``usecases.assessment`` on each run.
"""
from __future__ import annotations

import streamlit as st

from core.i18n import t

from ui import assessment_results as results_views, assessment_widgets as aw
from ui.state import context
from ui.widgets import empty_state
from usecases import assessment

ctx = context()
lang = ctx.lang
st.title(t("assessment.page.title", lang))
if ctx.client is None:
    empty_state(t("assessment.page.no_client", lang), aw.link_if_allowed("ui/pages/settings_page.py"),
                t("nav.settings", lang))
    st.stop()

rounds = assessment.rounds(ctx.session)
if aw.may(ctx, "assessment.run") and aw.new_round_form(ctx, expanded=not rounds):
    rounds = assessment.rounds(ctx.session)

if not rounds:
    empty_state(t("assessment.page.no_round", lang))
    st.stop()

rnd = aw.round_picker(rounds, lang)
model = assessment.model_of(rnd)
if model.version != rnd.model_version:
    st.warning(t("assessment.page.model_changed", lang, old=rnd.model_version, new=model.version))
results, goals, questions = st.tabs([t("assessment.page.tab_results", lang), t("assessment.page.tab_targets", lang),
                                     t("assessment.page.tab_questions", lang)])
with results:
    results_views.results_view(ctx, rnd, model)
with goals:
    aw.targets_view(ctx, rnd, model)
with questions:
    results_views.questions_view(ctx, rnd, model)
