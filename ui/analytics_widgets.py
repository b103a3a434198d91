"""The predictions page's parts (Streamlit): one tab per target, the numbers from ``usecases.propensity``."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.theme import label
from core.errors import InputError
from core.formatting import number, percent
from core.i18n import keys, name_for, t
from ui.widgets import show_error
from usecases import propensity as uc


def feature(name: str, lang: str) -> str:
    """A model feature or group in words (``analytics.feature.*``, else ``analytics.group.*``)."""
    return name_for("analytics.feature", name, lang) if f"analytics.feature.{name}" in keys() else \
        name_for("analytics.group", name, lang)


def rates(frame: pd.DataFrame, first: str, score: str, lang: str) -> pd.DataFrame:
    return pd.DataFrame({first: frame.iloc[:, 0].map(lambda v: label(v, lang)),
                         t("analytics.col.customers", lang): [number(v, lang) for v in frame["customers"]],
                         score: [percent(v, lang) for v in frame["mean_score"]],
                         t("analytics.col.observed", lang): [percent(v, lang) for v in frame["observed_rate"]]})


def show(session, info, target: str, lang: str) -> None:
    """One target's tab: computed on request, then quality, drivers, calibration, risk by group, top list."""
    horizon = int(st.number_input(t("analytics.horizon", lang), min_value=1, value=uc.HORIZON_DAYS, step=30,
                                  help=t("analytics.horizon_help", lang), key="an_horizon")) \
        if target == "churn" else uc.HORIZON_DAYS
    if not st.session_state.get(f"an_{target}") and not st.button(t("analytics.compute", lang), key=f"an_go_{target}"):
        st.caption(t("analytics.compute_hint", lang))
        return
    st.session_state[f"an_{target}"] = True
    try:
        with st.spinner(t("analytics.computing", lang)):
            result = uc.propensity(session, info, target, horizon)
    except InputError as exc:
        show_error(exc, lang)
        return
    q = result.quality
    cols = st.columns(4)
    cols[0].metric(t("analytics.auc", lang), number(q["auc"], lang, 3), help=t("analytics.auc_help", lang))
    cols[1].metric(t("analytics.brier", lang), number(q["brier"], lang, 3),
                   help=t("analytics.brier_help", lang, base=number(q["brier_base"], lang, 3)))
    cols[2].metric(t("analytics.customers", lang), number(q["customers"], lang))
    cols[3].metric(t(f"analytics.positives.{target}", lang), percent(q["base_rate"], lang))
    st.markdown(t("analytics.quality_words", lang, share=percent(q["auc"], lang), auc=number(q["auc"], lang, 2),
                  brier=number(q["brier"], lang, 3), base=number(q["brier_base"], lang, 3),
                  compared=t("analytics.brier_better" if q["brier"] < q["brier_base"] else "analytics.brier_worse", lang),
                  positive=t(f"analytics.one.{target}", lang)))
    if q["auc"] < 0.6:
        st.warning(t("analytics.weak", lang, auc=number(q["auc"], lang, 2)), icon="⚠️")
    left, right = st.columns(2)
    with left:
        st.subheader(t("analytics.drivers", lang))
        lines = [t("analytics.driver", lang, feature=feature(d.feature, lang), drop=number(d.importance * 100, lang, 1))
                 for d in result.drivers.head(5).itertuples()]
        st.markdown("\n".join(f"- {line}" for line in lines))
        st.caption(t("analytics.drivers_note", lang))
    with right:
        st.subheader(t("analytics.calibration", lang))
        st.dataframe(rates(result.reliability, t("analytics.col.band", lang), t("analytics.col.predicted", lang), lang),
                     hide_index=True, width="stretch")
    st.subheader(t("analytics.risk_by", lang))
    for tab, name in zip(st.tabs([t(f"analytics.group.{n}", lang) for n in result.risk]), result.risk):
        tab.dataframe(rates(result.risk[name], t(f"analytics.group.{name}", lang), t("analytics.col.mean_score", lang), lang),
                      hide_index=True, width="stretch")
    st.subheader(t("analytics.top", lang))
    if result.current is not None:
        st.caption(t("analytics.top_today", lang, days=number(result.quality["horizon_days"], lang)))
    top = result.top(uc.TOP)
    shown = top.head(20).drop(columns="label").assign(score=[percent(v, lang) for v in top["score"].head(20)])
    shown = shown.assign(**{c: shown[c].map(lambda v: label(v, lang)) for c in shown.columns[2:]})
    st.dataframe(shown.rename(columns={c: t("analytics.col.customer", lang) if c == "customer_id" else feature(c, lang)
                                       for c in shown.columns} | {"score": t("analytics.col.score", lang)}),
                 hide_index=True, width="stretch")
    st.download_button(t("analytics.download", lang, n=len(top)), uc.top_csv(result), f"{target}_top.csv",
                       "text/csv", key=f"an_dl_{target}")
