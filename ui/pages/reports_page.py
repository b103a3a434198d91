"""Reports: the Excel workbook and the board PDF, built on click; the offline questionnaire round trip.

Thin page: ``usecases.reports`` checks the permissions (``report.export``; the questionnaire
needs ``assessment.run``), fills the report from the same scorecard the scorecard page shows,
and writes it; ``ui.report_widgets`` renders the controls.
"""
from __future__ import annotations

import streamlit as st

from core.i18n import t
from ui import report_widgets as w
from ui.state import context
from ui.widgets import denied, empty_state
from usecases.reports import report_periods
from usecases.session import allowed

ctx = context()
lang = ctx.lang
st.title(t("reporting.page.title", lang))
if ctx.client is None:
    empty_state(t("reporting.page.no_client", lang))
    st.stop()
st.caption(t("reporting.page.intro", lang))
if not allowed(ctx.session, "report.export"):
    denied("report.export", lang)
else:
    gran = st.radio(t("reporting.page.granularity", lang), ("quarter", "month", "year"), horizontal=True,
                    format_func=lambda g: t(f"reporting.per.{g}", lang), key="rp_granularity")
    labels, default = report_periods(ctx.session, gran)
    if not labels:
        st.info(t("reporting.page.no_data", lang))
    left, mid, right = st.columns(3)
    period = left.selectbox(t("reporting.page.period", lang), labels or ["-"], key="rp_period",
                            index=labels.index(default) if default in labels else 0)
    report_lang = mid.selectbox(t("reporting.page.language", lang), ("de", "en"), index=("de", "en").index(lang),
                                key="rp_lang", format_func={"de": "Deutsch", "en": "English"}.get)
    raw = right.checkbox(t("reporting.page.raw", lang), key="rp_raw")
    b1, b2 = st.columns(2)
    if b1.button(t("reporting.page.build_excel", lang), key="rp_build_xlsx", type="primary"):
        w.build(ctx, "xlsx", period, report_lang, raw)
    if b2.button(t("reporting.page.build_pdf", lang), key="rp_build_pdf"):
        w.build(ctx, "pdf", period, report_lang, raw)
    w.downloads(ctx, (b1, b2), period, report_lang, raw)
st.divider()
w.offline(ctx)
