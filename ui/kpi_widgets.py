"""The KPI page's parts: the definition card, how the value came about, trend and breakdown
(Streamlit; the numbers come from ``usecases.analysis``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.bar import bar
from charts.line import add_forecast, line
from charts.table import COUNT, DECIMAL, MONEY, RATIO, table
from charts.theme import label
from core.formatting import by_unit, number
from core.i18n import t
from kpis.results import explain

TABLE_UNITS = {"ratio": RATIO, "currency": MONEY, "count": COUNT}


def percent_ticks(fig, unit: str):
    """Rates close together need a decimal on the axis (3,2 % and 3,6 %, not 3 % twice)."""
    return fig.update_yaxes(tickformat=".1%") if unit == "ratio" else fig


def definition(kpi, card, lang: str) -> None:
    unit = kpi.unit.value
    with st.container(border=True):
        # the formula names the catalogue's parts (ids): a tooltip for who needs it, not page text (issue 14.8)
        st.subheader(kpi.name.get(lang), help=f"{t('views.kpi.formula', lang)}: `{kpi.formula}` ({kpi.id})")
        st.write(kpi.description.get(lang))
        a, b, c, d = st.columns(4)
        a.markdown(f"**{t('kpis.unit', lang)}**  \n{t(f'kpis.unit.{unit}', lang)}")
        b.markdown(f"**{t('kpis.direction', lang)}**  \n{t(f'kpis.direction.{kpi.direction.value}', lang)}")
        c.markdown(f"**{t('kpis.stage', lang)}**  \n" + ", ".join(t(f"kpis.stage.{s.value}", lang) for s in kpi.stages))
        d.markdown(f"**{t('kpis.perspective', lang)}**  \n{t(f'kpis.perspective.{kpi.perspective.value}', lang)}")
        target = next((k for k in card.kpis if k.kpi == kpi.id), None)
        if target is not None:
            st.caption(t("views.kpi.on_scorecard", lang, target=by_unit(target.target, unit, lang),
                         green=by_unit(target.thresholds.green, unit, lang),
                         amber=by_unit(target.thresholds.amber, unit, lang)))


def explanation(kpi, row: dict, lang: str) -> None:
    """The value in words, numerator and denominator, and the parts of the formula."""
    unit = kpi.unit.value
    st.info(explain(kpi, row, lang), icon=":material/calculate:")
    cols = st.columns(3)
    cols[0].metric(t("common.value", lang), by_unit(row["value"], unit, lang))
    if kpi.is_ratio:
        cols[1].metric(t("scorecard.numerator", lang), number(row["numerator"], lang, 2 if unit == "currency" else 0))
        cols[2].metric(t("scorecard.denominator", lang), number(row["denominator"], lang, 0))
    parts = pd.DataFrame({
        t("views.kpi.part", lang): [p.name for p in kpi.parts],
        t("views.kpi.aggregate", lang): [
            f"{p.agg.value}({p.field or (p.duration and f'{p.duration.end} - {p.duration.start}') or '*'})"
            for p in kpi.parts],
        t("views.kpi.condition", lang): [" AND ".join(f"{c.field} {c.op} {c.value}" for c in p.where) or "–"
                                         for p in kpi.parts],
        t("common.value", lang): [number(row.get(p.name), lang, 2) for p in kpi.parts]})
    with st.expander(t("views.kpi.parts", lang, entity=t(f"views.entity.{kpi.entity}", lang))):
        st.dataframe(parts, hide_index=True, width="stretch")


def trend_chart(kpi, trend: pd.DataFrame, lang: str, forecast=None) -> None:
    """The KPI over the periods; with a ``usecases.analysis.KpiForecast``, its next periods dashed with
    the 80 % band, and beneath it the method and how it did against seasonal-naive in the backtest."""
    unit = kpi.unit.value
    chart, numbers = st.columns([3, 2])
    fig = line(trend, lang, series=None, percent=unit == "ratio", y_title=kpi.name.get(lang))
    if forecast is not None:
        anchor = trend[trend["period"].astype(str) == forecast.last]["value"]
        add_forecast(fig, forecast.rows, lang, t("views.kpi.forecast", lang), t("views.kpi.forecast_band", lang),
                     last=(forecast.last, float(anchor.iloc[0])) if len(anchor) else None)
    chart.plotly_chart(percent_ticks(fig, unit), width="stretch", key="kpi_trend")
    if forecast is not None:
        chart.caption(forecast_text(forecast.fit, lang))
    numbers.dataframe(table(trend[["period", "value", "numerator", "denominator"]] if kpi.is_ratio
                            else trend[["period", "value"]], lang, units={"value": TABLE_UNITS.get(unit, DECIMAL)}),
                      hide_index=True, width="stretch", height=320)


def forecast_text(fit, lang: str) -> str:
    """Which method forecasts and why, with its backtest error beside seasonal-naive's (MASE)."""
    mase = lambda b: number(b.mase, lang, 2) if b is not None else "–"  # noqa: E731
    if fit.method == "ets":
        n = fit.model.origins
        origins = t("views.kpi.origins_one", lang) if n == 1 else t("views.kpi.origins_many", lang, n=n)
        return t("views.kpi.forecast_ets", lang, mase=mase(fit.model), naive=mase(fit.naive), origins=origins)
    key = "views.kpi.forecast_naive_short" if fit.reason == "too_short" else "views.kpi.forecast_naive"
    return t(key, lang, mase=mase(fit.model), naive=mase(fit.naive))


def breakdown_chart(kpi, split: pd.DataFrame, by: str, lang: str) -> None:
    unit = kpi.unit.value
    chart, numbers = st.columns([3, 2])
    shown = split.assign(**{by: split[by].map(lambda v: label(v, lang))})
    chart.plotly_chart(percent_ticks(bar(shown, x=by, y="value", lang=lang, percent=unit == "ratio",
                                         title=kpi.name.get(lang)), unit), width="stretch", key="kpi_breakdown")
    numbers.dataframe(table(split[[by, "value", "numerator", "denominator"]] if kpi.is_ratio else split[[by, "value"]],
                            lang, units={"value": TABLE_UNITS.get(unit, DECIMAL)}, translate_values=(by,)),
                      hide_index=True, width="stretch")
