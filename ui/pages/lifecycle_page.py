"""Customer lifecycle: funnel, stage KPIs over time, cohorts, channels, lifetime value and maturity
versus reality. One filter bar for all views; every chart has its numbers in a table beside it."""
import streamlit as st

from core.i18n import t
from ui import lifecycle_widgets as w
from ui.filters import describe, filter_bar
from ui.state import context
from ui.widgets import empty_state, require_dataset
from usecases import analysis, datasets
from usecases import propensity as predictions
from usecases.scorecard import view_scorecard

ctx = context()
lang, session = ctx.lang, ctx.session
st.title(t("lifecycle.title", lang))
info = require_dataset(ctx)

state = filter_bar("lc", lang, datasets.choices(session, info), recent_months=12)
filters, gran = state.filters, state.granularity.value
st.caption(describe(state, lang))


def view(name: str, **extra):
    return analysis.lifecycle_view(session, info, name, filters, gran, **extra)


tabs = st.tabs([t(f"lifecycle.view.{v}", lang) for v in ("funnel", "stages", "cohorts", "channels", "clv", "reality")]
               + [t("analytics.plan.tab", lang)])
with tabs[0]:
    w.funnel_tab(view, lang)
with tabs[1]:
    w.stages_tab(view, lang)
with tabs[2]:
    w.cohorts_tab(view, lang)
with tabs[3]:
    w.channels_tab(view, lang)
with tabs[4]:
    w.clv_tab(view, lang)
with tabs[5]:
    card_view = view_scorecard(session)
    if card_view.maturity is None:
        empty_state(t("views.overview.no_assessment", lang), "ui/pages/assessment_page.py", t("nav.assessment", lang))
    else:
        w.reality_tab(card_view, lang)
with tabs[6]:
    w.plan_tab(lambda by: predictions.channel_plan(session, info, by), lang)
