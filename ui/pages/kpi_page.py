"""KPI explorer: pick a KPI (?kpi=<id>), read its definition and how its value came about
(numerator and denominator in words), follow it over the periods and break it down by channel,
segment or region - all under the shared filter bar."""
import streamlit as st

from charts.theme import label
from core.i18n import t
from core.query import Filters
from kpis.catalogue import load_catalogue
from kpis.definitions import Kind
from ui import kpi_widgets as w
from ui.filters import describe, filter_bar, from_url, to_url
from ui.state import context
from ui.widgets import require_dataset
from usecases import analysis, datasets
from usecases.scorecard import load_card

BREAKDOWNS = ("channel", "segment", "region")

ctx = context()
lang, session = ctx.lang, ctx.session
st.title(t("views.kpi.title", lang))
info = require_dataset(ctx)

catalogue = load_catalogue()
ids = [k.id for k in catalogue if k.kind is Kind.COMPUTED]
from_url("kpi", ids, ids[0])  # a drill-down link (?kpi=<id>) wins
kpi_id = st.selectbox(t("scorecard.kpi", lang), ids, format_func=lambda k: catalogue.get(k).name.get(lang), key="kpi")
to_url("kpi", kpi_id, None)
kpi, card = catalogue.get(kpi_id), load_card(session).card
w.definition(kpi, card, lang)

state = filter_bar("kpi", lang, datasets.choices(session, info), default_granularity=card.granularity)
usable = {name for name, _ in kpi.dimensions}
ignored = [d for d, _ in state.filters.dimensions if d not in usable]
filters = Filters(state.filters.start, state.filters.end,
                  tuple((d, v) for d, v in state.filters.dimensions if d in usable))
if ignored:
    st.caption(t("views.filter.ignored", lang, names=", ".join(label(d, lang) for d in ignored)))

trend = analysis.kpi_table(session, info, (kpi_id,), (), state.granularity.value, filters)
trend = trend[trend["value"].notna()]
if trend.empty:
    st.info(t("kpis.empty", lang), icon="ℹ️")
    st.stop()

st.subheader(t("kpis.explain", lang))
labels = list(reversed(trend["period"].astype(str).tolist()))
default = analysis.last_complete_period(session, info, trend, state.granularity.value)
period = st.columns(3)[0].selectbox(t("common.period", lang), labels,
                                    index=labels.index(default) if default in labels else 0, key="kpi_period")
w.explanation(kpi, trend[trend["period"] == period].iloc[0].to_dict(), lang)

st.subheader(t("views.kpi.trend", lang))
w.trend_chart(kpi, trend, lang, analysis.kpi_forecast(session, info, kpi_id, trend, state.granularity.value,
                                                      kpi.unit.value == "ratio", filters))
st.caption(describe(state, lang))

st.subheader(t("views.kpi.breakdown", lang))
options = [d for d in BREAKDOWNS if d in usable]
from_url("kpi_by", options, options[0])
by = st.segmented_control(t("views.kpi.by", lang), options, format_func=lambda d: label(d, lang), key="kpi_by",
                          required=True) or options[0]
to_url("kpi_by", by, options[0])
split = analysis.kpi_table(session, info, (kpi_id,), (by,), state.granularity.value, filters)
split = split[(split["period"] == period) & split["value"].notna() & split[by].notna()].sort_values(
    "value", ascending=not kpi.direction.value.startswith("higher"))
st.caption(t("views.kpi.breakdown_for", lang, period=period))
w.breakdown_chart(kpi, split, by, lang)
