"""The reports page's parts: build-and-download of the Excel/PDF report and the offline
questionnaire round trip (Streamlit; the work is done by ``usecases.reports``)."""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from core.errors import CockpitError
from core.formatting import number
from core.i18n import t
from reports.cells import safe_csv
from ui.widgets import denied, show_error
from usecases import assessment, reports
from usecases.session import allowed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {"xlsx": XLSX, "pdf": "application/pdf"}


def build(ctx, kind: str, period: str, lang: str, raw: bool) -> None:
    """Build the file on click and keep its bytes for the download button of this selection."""
    with st.spinner(t("reporting.page.building", ctx.lang)):
        try:
            built = reports.build_report(ctx.session, kind, period, lang, include_raw=raw)
        except CockpitError as exc:
            return show_error(exc, ctx.lang)
    st.session_state[f"rp_{kind}"] = ((ctx.client.id, period, lang, raw), built.content)
    st.session_state["rp_kpis"] = ((ctx.client.id, period, lang), built.kpis)


def downloads(ctx, columns, period: str, report_lang: str, raw: bool) -> None:
    stem = f"bericht-{ctx.client.slug}-{period}"
    for kind, column in zip(("xlsx", "pdf"), columns):
        built = st.session_state.get(f"rp_{kind}")
        if built and built[0] == (ctx.client.id, period, report_lang, raw):
            column.download_button(t(f"reporting.page.download_{'excel' if kind == 'xlsx' else 'pdf'}", ctx.lang),
                                   built[1], file_name=f"{stem}.{kind}", mime=MIME[kind], key=f"rp_download_{kind}")
    kpis = st.session_state.get("rp_kpis")
    if kpis and kpis[0] == (ctx.client.id, period, report_lang) and isinstance(kpis[1], pd.DataFrame):
        st.download_button(t("reporting.page.kpi_csv", ctx.lang), safe_csv(kpis[1], report_lang),
                           file_name=f"{stem}-kpis.csv", mime="text/csv", help=t("reporting.page.kpi_csv_help", ctx.lang),
                           key="rp_kpi_csv")


def export_here(ctx, period: str) -> None:
    """The Excel report of ``period`` from the page the user is on (issue 14.10), for who may export."""
    if not allowed(ctx.session, "report.export"):
        return
    left, right = st.columns([1, 1])
    if left.button(t("reporting.page.export_here", ctx.lang, period=period), key="here_build_xlsx",
                   icon=":material/download:"):
        build(ctx, "xlsx", period, ctx.lang, False)
    downloads(ctx, (right, st.empty()), period, ctx.lang, False)


def offline(ctx) -> None:
    """Download the questionnaire, upload it filled, see the differences, merge (assessment.run)."""
    lang, session = ctx.lang, ctx.session
    st.subheader(t("reporting.page.offline", lang))
    st.caption(t("reporting.page.offline_intro", lang))
    if not allowed(session, "assessment.run"):
        return denied("assessment.run", lang)
    rounds = assessment.rounds(session)
    if not rounds:
        return st.info(t("reporting.page.no_round", lang))
    rnd = st.selectbox(t("reporting.page.round", lang), rounds, format_func=lambda r: f"{r.name} (#{r.id})",
                       key="rp_round")
    buffer = io.BytesIO()
    reports.export_questionnaire(session, rnd.id, lang, buffer)
    st.download_button(t("reporting.page.download_questionnaire", lang), buffer.getvalue(),
                       file_name=f"fragebogen-{ctx.client.slug}-{rnd.id}.xlsx", mime=XLSX, key="rp_q_download")
    upload = st.file_uploader(t("reporting.page.upload", lang), type=["xlsx"], key=f"rp_upload_{rnd.id}")
    if upload is None:
        return
    try:
        changes = reports.questionnaire_changes(session, rnd.id, io.BytesIO(upload.getvalue()), upload.name, lang)
    except CockpitError as exc:
        return show_error(exc, lang)
    if changes.empty:
        return st.success(t("reporting.page.no_changes", lang))
    st.write(t("reporting.page.diff", lang))
    shown = changes.drop(columns="version").astype(object)
    shown = shown.where(shown.notna(), "").astype(str)
    st.dataframe(shown.rename(columns=lambda c: t(f"reporting.col.{c}", lang)), hide_index=True)
    sure = st.checkbox(t("reporting.page.confirm", lang), key=f"rp_confirm_{rnd.id}")
    if st.button(t("reporting.page.merge", lang), disabled=not sure, type="primary", key=f"rp_merge_{rnd.id}"):
        try:
            merged, index = reports.merge_questionnaire(session, rnd.id, changes, source=upload.name)
        except CockpitError as exc:
            return show_error(exc, lang)
        st.success(t("reporting.page.merged", lang, n=len(merged.written), index=number(index, lang, 2)))
        if merged.skipped:
            st.warning(t("reporting.page.skipped", lang, ids=", ".join(merged.skipped)))
