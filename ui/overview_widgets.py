"""The start page's three panels: maturity, scorecard, data status (Streamlit; the numbers come
from ``usecases.scorecard.view_scorecard``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.formatting import day, number, percent
from core.i18n import t
from ui.scorecard_widgets import badge, badge_md, kpi_tile
from ui.widgets import empty_state, page_link
from usecases.datasets import completeness


def maturity_panel(maturity, lang: str) -> None:
    st.subheader(t("views.overview.maturity", lang))
    if maturity is None or maturity.maturity_index is None:
        empty_state(t("views.overview.no_assessment", lang), "ui/pages/assessment_page.py", t("nav.assessment", lang))
        return
    a, b = st.columns(2)
    a.metric(t("views.overview.maturity_index", lang), number(maturity.maturity_index, lang, 1),
             help=t("views.overview.maturity_help", lang))
    b.metric(t("views.overview.level", lang), number(maturity.staged_level, lang, 0))
    st.caption(t("views.overview.round", lang, round=maturity.round_name))
    page_link("ui/pages/assessment_page.py", label=t("views.overview.open_assessment", lang), icon=":material/stairs:")


def scorecard_panel(view, lang: str) -> None:
    st.subheader(t("views.overview.scorecard", lang))
    result = view.result
    if view.dataset is None:
        empty_state(t("views.overview.no_data", lang), "ui/pages/import_page.py", t("nav.import", lang))
        return
    if result is None:
        st.info(t("scorecard.no_data", lang), icon="ℹ️")
        return
    a, b = st.columns(2)
    with a:
        st.metric(t("views.overview.overall", lang, period=result.period), percent(result.score, lang, 0),
                  help=t("views.overview.overall_help", lang))
        badge(result.status.value, lang)
    b.markdown("  \n".join(f"{p.name.get(lang)}: {badge_md(p.status.value, lang, percent(p.score, lang, 0))}"
                           for p in result.perspectives))
    st.caption(result.name.get(lang))
    page_link("ui/pages/scorecard_page.py", label=t("views.overview.open_scorecard", lang), icon=":material/speed:")


def headline_tiles(view, lang: str) -> None:
    """The six KPIs that weigh most in the overall score, each linking to its detail page."""
    st.subheader(t("views.overview.kpis", lang, period=view.result.period))
    ids = view.headline
    for row in (ids[:3], ids[3:6]):
        for col, kpi_id in zip(st.columns(3), row):
            with col:
                label = view.labels[kpi_id]
                kpi_tile(view.result.kpi(kpi_id), label.name.get(lang), label.unit, lang)
                page_link("ui/pages/kpi_page.py", label=t("views.overview.details", lang),
                          icon=":material/query_stats:", query_params={"kpi": kpi_id})


def data_panel(info, lang: str) -> None:
    st.subheader(t("views.overview.data", lang))
    if info is None:
        empty_state(t("views.overview.no_data", lang), "ui/pages/import_page.py", t("nav.import", lang))
        return
    a, b, c = st.columns(3)
    a.metric(t("views.overview.version", lang), f"v{info.version}", help=info.label or None)
    b.metric(t("views.overview.imported", lang), f"{day(info.created_at, lang)} {info.created_at:%H:%M}")
    c.metric(t("views.overview.completeness", lang), percent(completeness(info), lang))
    rows = pd.DataFrame({t("views.overview.entity", lang): [t(f"views.entity.{e}", lang) for e in info.row_counts],
                         t("views.overview.rows", lang): [number(n, lang) for n in info.row_counts.values()]})
    st.dataframe(rows, hide_index=True, width="content")
    page_link("ui/pages/import_page.py", label=t("views.overview.new_import", lang), icon=":material/upload_file:")
