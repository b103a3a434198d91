"""The lifecycle page's tabs: funnel, stage KPIs, cohorts, channels, lifetime value and maturity
versus reality (Streamlit; every frame comes from ``usecases.analysis.lifecycle_view``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.bar import bar
from charts.funnel import funnel
from charts.heatmap import heatmap
from charts.line import line
from charts.matrix import matrix
from charts.table import COUNT, RATIO, table
from charts.theme import label
from core.errors import InputError
from core.formatting import currency, number, percent
from core.i18n import t
from lifecycle.cohorts import cohort_matrix
from lifecycle.reality import compare
from ui.widgets import show_error
from usecases.scorecard import domain_names


def side_by_side(figure, numbers: pd.DataFrame, key: str, lang: str, wide: bool = False, ratio=(1, 1)) -> None:
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


def funnel_tab(view, lang: str) -> None:
    steps = view("funnel")
    side_by_side(funnel(steps, lang, title=t("lifecycle.funnel.title", lang)), table(steps, lang), "lc_funnel", lang,
                 ratio=(1, 2))


def stages_tab(view, lang: str) -> None:
    stages = view("stages")
    wide = stages.pivot(index="period", columns="kpi", values="value").reset_index() if len(stages) else stages
    side_by_side(line(stages, lang, percent=True, title=t("lifecycle.stages.title", lang)),
                 table(wide, lang, units={c: RATIO for c in wide.columns if c != "period"}), "lc_stages", lang,
                 wide=True)


def cohorts_tab(view, lang: str) -> None:
    cohorts = view("cohorts")
    grid = cohort_matrix(cohorts)
    shown = grid.reset_index().rename(columns={m: f"{m}" for m in grid.columns}) if len(cohorts) else cohorts
    side_by_side(heatmap(cohorts, x="months_since", y="cohort", z="retention", lang=lang, percent=True, zmin=0, zmax=1,
                         title=t("lifecycle.cohorts.title", lang)),
                 table(shown, lang, units={c: RATIO for c in shown.columns if c != "cohort"}), "lc_cohorts", lang,
                 wide=True)


def channels_tab(view, lang: str) -> None:
    sales = view("sales")
    totals = sales.groupby("channel", as_index=False)[["revenue", "products_sold", "orders"]].sum()
    side_by_side(bar(sales, x="period", y="revenue", lang=lang, stack="channel",
                     title=t("lifecycle.channels.sales_title", lang)),
                 table(totals, lang, units={"products_sold": COUNT}, translate_values=("channel",)), "lc_sales", lang)
    products = (sales.pivot_table(index="period", columns="channel", values="products_sold", aggfunc="sum")
                .reset_index() if len(sales) else sales)
    side_by_side(bar(sales, x="period", y="products_sold", lang=lang, stack="channel",
                     title=t("lifecycle.channels.products_title", lang)),
                 table(products, lang, units={c: COUNT for c in products.columns if c != "period"}), "lc_products",
                 lang)
    st.markdown(f"**{t('views.lifecycle.economics', lang)}**")
    st.dataframe(table(view("channels"), lang, translate_values=("channel",)), hide_index=True, width="stretch")
    segments = view("segments")
    named = segments.assign(segment=segments["segment"].map(lambda v: label(v, lang)),
                            channel=segments["channel"].map(lambda v: label(v, lang))) if len(segments) else segments
    side_by_side(matrix(named, lang, title=t("lifecycle.channels.matrix_title", lang)),
                 table(segments[["segment", "channel", "contacts", "response_rate", "cost_per_response",
                                 "revenue_per_contact"]] if len(segments) else segments, lang,
                       translate_values=("segment", "channel")), "lc_matrix", lang, wide=True)


def clv_tab(view, lang: str) -> None:
    for by, title in (("acquisition_channel", "lifecycle.clv.title"), ("segment", "lifecycle.clv.segment_title")):
        clv = view("clv", by=by)
        named = clv.assign(**{by: clv[by].map(lambda v: label(v, lang))}) if len(clv) else clv
        side_by_side(bar(named, x=by, y="mean", lang=lang, title=t(title, lang)),
                     table(clv, lang, translate_values=(by,)), f"lc_clv_{by}", lang)


def reality_tab(card_view, lang: str) -> None:
    """Maturity domains against the traffic lights of the KPIs linked to them."""
    maturity, result = card_view.maturity, card_view.result
    statuses = {k.kpi: k.status.value for k in result.kpis} if result else {}
    reality = compare(maturity.domain_scores, statuses)
    names, kpi_names = domain_names(maturity.model_id, lang), card_view.labels
    reality = reality.assign(domain=reality["domain"].map(lambda d: names.get(d, d)),
                             red_kpis=reality["red_kpis"].map(lambda ids: ", ".join(
                                 kpi_names[k].name.get(lang) if k in kpi_names else k
                                 for k in str(ids).split(", ") if k)),
                             verdict=reality["verdict"].map(lambda v: t(f"lifecycle.verdict.{v}", lang)))
    st.caption(t("views.lifecycle.reality_caption", lang, round=maturity.round_name, period=card_view.period or "–"))
    side_by_side(bar(reality, x="domain", y="score", lang=lang, stack="verdict", stacked=True,
                     title=t("lifecycle.reality.title", lang)).update_yaxes(range=[0, 5]),
                 table(reality[["domain", "score", "verdict", "green", "amber", "red", "grey", "red_kpis"]], lang),
                 "lc_reality", lang, wide=True)


PLAN_GROUPS = ("segment", "region", "acquisition_channel", "value_band")


def plan_tab(plan_of, lang: str) -> None:
    """The channel plan: per group the recommended channel and what it would have earned, then the
    expected value of one contact per channel with its 95 % interval and break-even cost."""
    st.caption(t("analytics.plan.intro", lang))
    by = st.selectbox(t("analytics.plan.by", lang), PLAN_GROUPS, key="lc_plan_by",
                      format_func=lambda g: t(f"analytics.group.{g}", lang))
    try:
        result = plan_of(by)
    except InputError as exc:
        show_error(exc, lang)
        return
    group = t(f"analytics.group.{by}", lang)
    s = result.summary
    st.dataframe(pd.DataFrame({
        group: s[by].map(lambda v: label(v, lang)), t("analytics.plan.best", lang): s["recommended_channel"].map(
            lambda v: label(v, lang) if isinstance(v, str) else "–"),
        t("analytics.col.contacts", lang): [number(v, lang) for v in s["contacts"]],
        t("analytics.plan.actual", lang): [currency(v, lang, 0) for v in s["actual_value"]],
        t("analytics.plan.planned", lang): [currency(v, lang, 0) for v in s["plan_value"]],
        t("analytics.plan.status", lang): s["status"].map(lambda v: t(f"analytics.plan.{v}", lang))}),
        hide_index=True, width="stretch")
    p = result.plan
    st.dataframe(pd.DataFrame({
        group: p[by].map(lambda v: label(v, lang)), t("analytics.plan.channel", lang): p["channel"].map(
            lambda v: label(v, lang)),
        t("analytics.col.contacts", lang): [number(v, lang) for v in p["contacts"]],
        t("analytics.plan.value", lang): [currency(v, lang) for v in p["expected_value_per_contact"]],
        t("analytics.plan.interval", lang): [f"{currency(lo, lang)} – {currency(hi, lang)}"
                                             for lo, hi in zip(p["lower"], p["upper"])],
        t("analytics.plan.conversion", lang): [percent(v, lang, 2) for v in p["conversions_per_contact"]],
        t("analytics.plan.break_even", lang): [currency(v, lang) for v in p["break_even_cost"]],
        t("analytics.plan.recommended", lang): p["recommended"].map({True: "✓", False: ""})}),
        hide_index=True, width="stretch")
    st.caption(t("analytics.plan.limits", lang))
