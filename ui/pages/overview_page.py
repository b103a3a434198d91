"""Start page: the client at a glance - maturity of the latest assessment, the scorecard's overall
score with its six weightiest KPIs, and the state of the data. Empty states lead to the next step."""
import pandas as pd
import streamlit as st

from core.formatting import day, number, percent
from core.i18n import t
from services import scorecard_view as sv
from services.analytics import current_dataset
from storage.scorecards import manual_frame
from ui import cache
from ui.scorecard_widgets import badge, badge_md, kpi_tile
from ui.state import context
from ui.widgets import empty_state, require_client

ctx = context()
lang = ctx.lang
st.title(t("views.overview.title", lang))
client = require_client(ctx)
st.caption(t("views.overview.caption", lang, client=client.name))

info = current_dataset(ctx.engine, client.id)
maturity = cache.maturity(client.id)
result = card = None
if info is not None:
    loaded = sv.load_card(ctx.engine, client.id)
    card = loaded.card
    actuals = cache.scorecard_actuals(client.id, info.version, card.engine_kpi_ids, card.granularity.value)
    period = sv.default_period(actuals, card.granularity.value)
    if period is not None:
        result = sv.evaluate_view(card, actuals, period, manual_frame(ctx.engine, client.id),
                                  sv.external_frame(info, maturity))

left, right = st.columns(2)
with left.container(border=True):
    st.subheader(t("views.overview.maturity", lang))
    if maturity is None or maturity.maturity_index is None:
        empty_state(t("views.overview.no_assessment", lang), "ui/pages/assessment_page.py", t("nav.assessment", lang))
    else:
        a, b = st.columns(2)
        a.metric(t("views.overview.maturity_index", lang), number(maturity.maturity_index, lang, 1),
                 help=t("views.overview.maturity_help", lang))
        b.metric(t("views.overview.level", lang), "–" if maturity.staged_level is None else str(maturity.staged_level))
        st.caption(t("views.overview.round", lang, round=maturity.round_name))
        st.page_link("ui/pages/assessment_page.py", label=t("views.overview.open_assessment", lang),
                     icon=":material/stairs:")
with right.container(border=True):
    st.subheader(t("views.overview.scorecard", lang))
    if info is None:
        empty_state(t("views.overview.no_data", lang), "ui/pages/import_page.py", t("nav.import", lang))
    elif result is None:
        st.info(t("scorecard.no_data", lang), icon="ℹ️")
    else:
        a, b = st.columns(2)
        with a:
            st.metric(t("views.overview.overall", lang, period=result.period), percent(result.score, lang, 0),
                      help=t("views.overview.overall_help", lang))
            badge(result.status.value, lang)
        b.markdown("  \n".join(f"{p.name.get(lang)}: {badge_md(p.status.value, lang, percent(p.score, lang, 0))}"
                               for p in result.perspectives))
        st.caption(result.name.get(lang))
        st.page_link("ui/pages/scorecard_page.py", label=t("views.overview.open_scorecard", lang),
                     icon=":material/speed:")

if result is not None:
    st.subheader(t("views.overview.kpis", lang, period=result.period))
    labels = sv.kpi_labels(card)
    ids = sv.headline_kpis(card)
    for row in (ids[:3], ids[3:6]):
        for col, kpi_id in zip(st.columns(3), row):
            with col:
                kpi = result.kpi(kpi_id)
                kpi_tile(kpi, labels[kpi_id].name.get(lang), labels[kpi_id].unit, lang)
                st.page_link("ui/pages/kpi_page.py", label=t("views.overview.details", lang),
                             icon=":material/query_stats:", query_params={"kpi": kpi_id})

st.subheader(t("views.overview.data", lang))
if info is None:
    empty_state(t("views.overview.no_data", lang), "ui/pages/import_page.py", t("nav.import", lang))
else:
    completeness = sv.external_frame(info, None)
    value = completeness.loc[completeness["kpi"] == "data_completeness", "value"]
    a, b, c = st.columns(3)
    a.metric(t("views.overview.version", lang), f"v{info.version}", help=info.label or None)
    b.metric(t("views.overview.imported", lang), f"{day(info.created_at, lang)} {info.created_at:%H:%M}")
    c.metric(t("views.overview.completeness", lang), percent(value.iloc[0] if len(value) else None, lang))
    rows = pd.DataFrame({t("views.overview.entity", lang): [t(f"views.entity.{e}", lang) for e in info.row_counts],
                         t("views.overview.rows", lang): [number(n, lang) for n in info.row_counts.values()]})
    st.dataframe(rows, hide_index=True, width="content")
    st.page_link("ui/pages/import_page.py", label=t("views.overview.new_import", lang), icon=":material/upload_file:")
