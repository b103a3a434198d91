"""Customer lifecycle: funnel, stage KPIs over time, cohorts, channels, lifetime value and maturity
versus reality. One filter bar for all views; every chart has its numbers in a table beside it."""
import pandas as pd
import streamlit as st

from charts.bar import bar
from charts.funnel import funnel
from charts.heatmap import heatmap
from charts.line import line
from charts.matrix import matrix
from charts.table import COUNT, RATIO, table
from charts.theme import label
from core.i18n import t
from lifecycle.cohorts import cohort_matrix
from lifecycle.reality import compare
from services import scorecard_view as sv
from storage.scorecards import manual_frame
from ui import cache
from ui.filters import describe, filter_bar
from ui.state import context
from ui.widgets import empty_state, require_client, require_dataset

ctx = context()
lang = ctx.lang
st.title(t("lifecycle.title", lang))
client = require_client(ctx)
info = require_dataset(ctx)

state = filter_bar("lc", lang, cache.filter_choices(client.id, info.version), recent_months=12)
filters, gran = state.filters, state.granularity.value
st.caption(describe(state, lang))


def view(name: str, **extra) -> pd.DataFrame:
    return cache.lifecycle_view(client.id, info.version, name, filters, gran, **extra)


def side_by_side(figure, numbers: pd.DataFrame, key: str, wide: bool = False, ratio=(1, 1)) -> None:
    """The chart, and its numbers beside it (below it for wide tables)."""
    if numbers.empty:
        st.info(t("lifecycle.empty", lang), icon="ℹ️")
        return
    if wide:
        st.plotly_chart(figure, width="stretch", key=key)
        st.dataframe(numbers, hide_index=True, width="stretch")
        return
    chart, nums = st.columns(list(ratio))
    chart.plotly_chart(figure, width="stretch", key=key)
    nums.dataframe(numbers, hide_index=True, width="stretch")


tabs = st.tabs([t(f"lifecycle.view.{v}", lang) for v in ("funnel", "stages", "cohorts", "channels", "clv", "reality")])
with tabs[0]:
    steps = view("funnel")
    side_by_side(funnel(steps, lang, title=t("lifecycle.funnel.title", lang)), table(steps, lang), "lc_funnel",
                 ratio=(1, 2))
with tabs[1]:
    stages = view("stages")
    wide = stages.pivot(index="period", columns="kpi", values="value").reset_index() if len(stages) else stages
    side_by_side(line(stages, lang, percent=True, title=t("lifecycle.stages.title", lang)),
                 table(wide, lang, units={c: RATIO for c in wide.columns if c != "period"}), "lc_stages", wide=True)
with tabs[2]:
    cohorts = view("cohorts")
    grid = cohort_matrix(cohorts)
    shown = grid.reset_index().rename(columns={m: f"{m}" for m in grid.columns}) if len(cohorts) else cohorts
    side_by_side(heatmap(cohorts, x="months_since", y="cohort", z="retention", lang=lang, percent=True, zmin=0, zmax=1,
                         title=t("lifecycle.cohorts.title", lang)),
                 table(shown, lang, units={c: RATIO for c in shown.columns if c != "cohort"}), "lc_cohorts", wide=True)
with tabs[3]:
    sales = view("sales")
    totals = sales.groupby("channel", as_index=False)[["revenue", "products_sold", "orders"]].sum()
    side_by_side(bar(sales, x="period", y="revenue", lang=lang, stack="channel",
                     title=t("lifecycle.channels.sales_title", lang)),
                 table(totals, lang, units={"products_sold": COUNT}, translate_values=("channel",)), "lc_sales")
    products = (sales.pivot_table(index="period", columns="channel", values="products_sold", aggfunc="sum")
                .reset_index() if len(sales) else sales)
    side_by_side(bar(sales, x="period", y="products_sold", lang=lang, stack="channel",
                     title=t("lifecycle.channels.products_title", lang)),
                 table(products, lang, units={c: COUNT for c in products.columns if c != "period"}), "lc_products")
    st.markdown(f"**{t('views.lifecycle.economics', lang)}**")
    economics = view("channels")
    st.dataframe(table(economics, lang, translate_values=("channel",)), hide_index=True, width="stretch")
    segments = view("segments")
    named = segments.assign(segment=segments["segment"].map(lambda v: label(v, lang)),
                            channel=segments["channel"].map(lambda v: label(v, lang))) if len(segments) else segments
    side_by_side(matrix(named, lang, title=t("lifecycle.channels.matrix_title", lang)),
                 table(segments[["segment", "channel", "contacts", "response_rate", "cost_per_response",
                                 "revenue_per_contact"]] if len(segments) else segments, lang,
                       translate_values=("segment", "channel")), "lc_matrix", wide=True)
with tabs[4]:
    for by, title in (("acquisition_channel", "lifecycle.clv.title"), ("segment", "lifecycle.clv.segment_title")):
        clv = view("clv", by=by)
        named = clv.assign(**{by: clv[by].map(lambda v: label(v, lang))}) if len(clv) else clv
        side_by_side(bar(named, x=by, y="mean", lang=lang, title=t(title, lang)),
                     table(clv, lang, translate_values=(by,)), f"lc_clv_{by}")
with tabs[5]:
    maturity = cache.maturity(client.id)
    if maturity is None:
        empty_state(t("views.overview.no_assessment", lang), "ui/pages/assessment_page.py", t("nav.assessment", lang))
    else:
        card = sv.load_card(ctx.engine, client.id).card
        actuals = cache.scorecard_actuals(client.id, info.version, card.engine_kpi_ids, card.granularity.value)
        period = sv.default_period(actuals, card.granularity.value)
        result = sv.evaluate_view(card, actuals, period, manual_frame(ctx.engine, client.id),
                                  sv.external_frame(info, maturity)) if period else None
        statuses = {k.kpi: k.status.value for k in result.kpis} if result else {}
        reality = compare(maturity.domain_scores, statuses)
        names = sv.domain_names(maturity.model_id, lang)
        kpi_names = sv.kpi_labels(card)
        reality = reality.assign(domain=reality["domain"].map(lambda d: names.get(d, d)),
                                 red_kpis=reality["red_kpis"].map(lambda ids: ", ".join(
                                     kpi_names[k].name.get(lang) if k in kpi_names else k
                                     for k in str(ids).split(", ") if k)),
                                 verdict=reality["verdict"].map(lambda v: t(f"lifecycle.verdict.{v}", lang)))
        st.caption(t("views.lifecycle.reality_caption", lang, round=maturity.round_name,
                     period=period or "–"))
        side_by_side(bar(reality, x="domain", y="score", lang=lang, stack="verdict", stacked=True,
                         title=t("lifecycle.reality.title", lang)).update_yaxes(range=[0, 5]),
                     table(reality[["domain", "score", "verdict", "green", "amber", "red", "grey", "red_kpis"]], lang),
                     "lc_reality", wide=True)
