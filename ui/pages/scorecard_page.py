"""Balanced scorecard: pick a period, see the four perspectives with traffic lights, every KPI
against its target with trend and sparkline, the strategy map, snapshots, manual values and (for
consultants) the editor. A KPI opens its detail page (?kpi=<id>)."""
import streamlit as st

from charts.strategy_map import strategy_map as strategy_map_chart
from core.formatting import percent
from core.i18n import t
from scorecards.strategy_map import strategy_map
from ui import live_widgets, scorecard_tabs
from ui.filters import from_url, to_url
from ui.report_widgets import export_here
from ui.scorecard_widgets import alert_markers, badge
from ui.state import context
from ui.widgets import empty_state, require_dataset
from usecases.alerts import view_alerts
from usecases.analysis import scorecard_forecast
from usecases.scorecard import view_scorecard

ctx = context()
lang = ctx.lang
st.title(t("scorecard.title", lang))
require_dataset(ctx)
overview = view_scorecard(ctx.session)
live_widgets.as_of(ctx.session, overview.dataset, lang)
if not overview.periods:
    empty_state(t("scorecard.no_data", lang), "ui/pages/import_page.py", t("nav.import", lang))
    st.stop()
card = overview.card
head, pick = st.columns([3, 1], vertical_alignment="bottom")
head.caption(f"{card.name.get(lang)} · {t('views.scorecard.granularity', lang)}: "
             f"{t(f'common.{card.granularity.value}', lang)}")
labels = list(overview.periods)
from_url("period", labels, overview.default_period or labels[0])
period = pick.selectbox(t("common.period", lang), labels, key="period")
to_url("period", period, overview.default_period)
view = overview if period == overview.period else view_scorecard(ctx.session, period)
result, names = view.result, view.labels

cols = st.columns(1 + len(result.perspectives))
with cols[0].container(border=True):
    st.metric(t("scorecard.overall", lang), percent(result.score, lang, 0))
    badge(result.status.value, lang)
for col, p in zip(cols[1:], result.perspectives):
    with col.container(border=True):
        st.metric(p.name.get(lang), percent(p.score, lang, 0))
        badge(p.status.value, lang)

with st.spinner(t("scorecard.forecast.computing", lang)):  # after the scores: the first view fits forecasts
    markers = alert_markers(view_alerts(ctx.session, lang, period=result.period))
    ahead = scorecard_forecast(ctx.session, view)  # fitted once per dataset version (cached)
export_here(ctx, result.period)
titles = [t("views.scorecard.tab_kpis", lang), t("scorecard.strategy_map", lang), t("scorecard.snapshots", lang),
          t("views.scorecard.tab_manual", lang)] + ([t("views.scorecard.tab_editor", lang)] if view.may_edit else [])
tabs = st.tabs(titles)
with tabs[0]:
    scorecard_tabs.kpis(view, lang, markers, ahead)
with tabs[1]:
    st.plotly_chart(strategy_map_chart(strategy_map(card, result).to_dict(), lang,
                                       title=t("views.scorecard.map_title", lang, period=result.period)),
                    width="stretch", key="strategy_map")
    st.caption(t("views.scorecard.map_caption", lang))
with tabs[2]:
    scorecard_tabs.snapshots(ctx, view, lang)
with tabs[3]:
    scorecard_tabs.manual_values(ctx, view, lang)
if view.may_edit:
    with tabs[4]:
        scorecard_tabs.editor(ctx, view, lang)
