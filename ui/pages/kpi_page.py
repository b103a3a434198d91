"""KPI explorer: pick a KPI (?kpi=<id>), read its definition and how its value came about
(numerator and denominator in words), follow it over the periods and break it down by channel,
segment or region - all under the shared filter bar."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from charts.bar import bar
from charts.line import line
from charts.table import COUNT, DECIMAL, MONEY, RATIO, table
from charts.theme import label
from core.formatting import by_unit, number
from core.i18n import t
from core.query import Filters, Period
from kpis.catalogue import load_catalogue
from kpis.definitions import Kind
from kpis.results import explain
from services import scorecard_view as sv
from ui import cache
from ui.filters import describe, filter_bar, from_url, to_url
from ui.state import context
from ui.widgets import require_client, require_dataset

TABLE_UNITS = {"ratio": RATIO, "currency": MONEY, "count": COUNT}
BREAKDOWNS = ("channel", "segment", "region")

ctx = context()
lang = ctx.lang
st.title(t("views.kpi.title", lang))
client = require_client(ctx)
info = require_dataset(ctx)

catalogue = load_catalogue()
ids = [k.id for k in catalogue if k.kind is Kind.COMPUTED]
from_url("kpi", ids, ids[0])  # a drill-down link (?kpi=<id>) wins
kpi_id = st.selectbox(t("scorecard.kpi", lang), ids, format_func=lambda k: catalogue.get(k).name.get(lang), key="kpi")
to_url("kpi", kpi_id, None)
kpi = catalogue.get(kpi_id)
unit = kpi.unit.value
card = sv.load_card(ctx.engine, client.id).card

with st.container(border=True):
    st.subheader(kpi.name.get(lang))
    st.write(kpi.description.get(lang))
    a, b, c, d = st.columns(4)
    a.markdown(f"**{t('kpis.unit', lang)}**  \n{t(f'kpis.unit.{unit}', lang)}")
    b.markdown(f"**{t('kpis.direction', lang)}**  \n{t(f'kpis.direction.{kpi.direction.value}', lang)}")
    c.markdown(f"**{t('kpis.stage', lang)}**  \n" + ", ".join(t(f"kpis.stage.{s.value}", lang) for s in kpi.stages))
    d.markdown(f"**{t('kpis.perspective', lang)}**  \n{t(f'kpis.perspective.{kpi.perspective.value}', lang)}")
    st.markdown(f"**{t('views.kpi.formula', lang)}:** `{kpi.formula}`")
    if kpi_id in card.kpi_ids:
        target = next(k for k in card.kpis if k.kpi == kpi_id)
        st.caption(t("views.kpi.on_scorecard", lang, target=by_unit(target.target, unit, lang),
                     green=by_unit(target.thresholds.green, unit, lang),
                     amber=by_unit(target.thresholds.amber, unit, lang)))

choices = cache.filter_choices(client.id, info.version)
state = filter_bar("kpi", lang, choices, default_granularity=card.granularity)
usable = {name for name, _ in kpi.dimensions}
ignored = [d for d, _ in state.filters.dimensions if d not in usable]
filters = Filters(state.filters.start, state.filters.end,
                  tuple((d, v) for d, v in state.filters.dimensions if d in usable))
if ignored:
    st.caption(t("views.filter.ignored", lang, names=", ".join(label(d, lang) for d in ignored)))

trend = cache.kpi_table(client.id, info.version, (kpi_id,), (), state.granularity.value, filters)
trend = trend[trend["value"].notna()]
if trend.empty:
    st.info(t("kpis.empty", lang), icon="ℹ️")
    st.stop()

st.subheader(t("kpis.explain", lang))
def percent_ticks(fig, unit: str):
    """Rates close together need a decimal on the axis (3,2 % and 3,6 %, not 3 % twice)."""
    return fig.update_yaxes(tickformat=".1%") if unit == "ratio" else fig


labels = list(reversed(trend["period"].astype(str).tolist()))
complete = [p for p in labels if choices.last_day is None or Period.parse(p).end <= choices.last_day + timedelta(days=1)]
period = st.columns(3)[0].selectbox(t("common.period", lang), labels,
                                    index=labels.index(complete[0]) if complete else 0, key="kpi_period")
row = trend[trend["period"] == period].iloc[0].to_dict()
st.info(explain(kpi, row, lang), icon=":material/calculate:")
cols = st.columns(3)
cols[0].metric(t("common.value", lang), by_unit(row["value"], unit, lang))
if kpi.is_ratio:
    cols[1].metric(t("scorecard.numerator", lang), number(row["numerator"], lang, 2 if unit == "currency" else 0))
    cols[2].metric(t("scorecard.denominator", lang), number(row["denominator"], lang, 0))
parts = pd.DataFrame({
    t("views.kpi.part", lang): [p.name for p in kpi.parts],
    t("views.kpi.aggregate", lang): [f"{p.agg.value}({p.field or (p.duration and f'{p.duration.end} - {p.duration.start}') or '*'})"
                                     for p in kpi.parts],
    t("views.kpi.condition", lang): [" AND ".join(f"{c.field} {c.op} {c.value}" for c in p.where) or "–"
                                     for p in kpi.parts],
    t("common.value", lang): [number(row.get(p.name), lang, 2) for p in kpi.parts]})
with st.expander(t("views.kpi.parts", lang, entity=t(f"views.entity.{kpi.entity}", lang))):
    st.dataframe(parts, hide_index=True, width="stretch")

st.subheader(t("views.kpi.trend", lang))
chart, numbers = st.columns([3, 2])
chart.plotly_chart(percent_ticks(line(trend, lang, series=None, percent=unit == "ratio", y_title=kpi.name.get(lang)),
                                 unit), width="stretch", key="kpi_trend")
numbers.dataframe(table(trend[["period", "value", "numerator", "denominator"]] if kpi.is_ratio
                        else trend[["period", "value"]], lang, units={"value": TABLE_UNITS.get(unit, DECIMAL)}),
                  hide_index=True, width="stretch", height=320)
st.caption(describe(state, lang))

st.subheader(t("views.kpi.breakdown", lang))
options = [d for d in BREAKDOWNS if d in usable]
from_url("kpi_by", options, options[0])
by = st.segmented_control(t("views.kpi.by", lang), options, format_func=lambda d: label(d, lang), key="kpi_by",
                          required=True) or options[0]
to_url("kpi_by", by, options[0])
split = cache.kpi_table(client.id, info.version, (kpi_id,), (by,), state.granularity.value, filters)
split = split[(split["period"] == period) & split["value"].notna() & split[by].notna()].sort_values("value", ascending=not kpi.direction.value.startswith("higher"))
st.caption(t("views.kpi.breakdown_for", lang, period=period))
chart, numbers = st.columns([3, 2])
shown = split.assign(**{by: split[by].map(lambda v: label(v, lang))})
chart.plotly_chart(percent_ticks(bar(shown, x=by, y="value", lang=lang, percent=unit == "ratio",
                                     title=kpi.name.get(lang)), unit), width="stretch", key="kpi_breakdown")
numbers.dataframe(table(split[[by, "value", "numerator", "denominator"]] if kpi.is_ratio else split[[by, "value"]],
                        lang, units={"value": TABLE_UNITS.get(unit, DECIMAL)}, translate_values=(by,)),
                  hide_index=True, width="stretch")
