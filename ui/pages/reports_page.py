"""Reports: the Excel workbook and the board PDF, built on click; the offline questionnaire round trip.

Thin page: ``services.reporting`` fills the report, ``reports.workbook``/``reports.pdf`` write it,
``services.questionnaire`` exports, reads, diffs and merges the offline questionnaire.
"""
from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from core.errors import CockpitError
from core.formatting import number
from core.i18n import t
from reports.cells import safe_csv
from services import questionnaire, reporting
from storage.assessments import list_rounds
from storage.datasets import latest_dataset
from ui.state import context
from ui.widgets import empty_state, show_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=16)
def _periods(database_url: str, client_id: int, version: int, granularity: str) -> tuple[list[str], str | None]:
    ctx = context()
    return reporting.available_periods(ctx.settings, latest_dataset(ctx.engine, client_id), granularity)


def _build(ctx, kind: str, period: str, lang: str, raw: bool) -> None:
    """Build the file on click and keep its bytes for the download button of this selection."""
    from reports.pdf import build_pdf
    from reports.workbook import build_workbook

    with st.spinner(t("reporting.page.building", ctx.lang)):
        try:
            content = reporting.content_for_client(ctx.engine, ctx.settings, ctx.client.id, period, lang,
                                                   include_raw=raw and kind == "xlsx")
        except CockpitError as exc:
            return show_error(exc, ctx.lang)
        buffer = io.BytesIO()
        if kind == "xlsx":
            build_workbook(content, buffer)
        else:
            build_pdf(reporting.board(content), buffer)
    st.session_state[f"rp_{kind}"] = ((ctx.client.id, period, lang, raw), buffer.getvalue())
    st.session_state["rp_kpis"] = ((ctx.client.id, period, lang), reporting.kpi_period_table(content, lang))


def _offline(ctx) -> None:
    lang = ctx.lang
    st.subheader(t("reporting.page.offline", lang))
    st.caption(t("reporting.page.offline_intro", lang))
    rounds = list_rounds(ctx.engine, ctx.client.id)
    if not rounds:
        return st.info(t("reporting.page.no_round", lang))
    rnd = st.selectbox(t("reporting.page.round", lang), rounds, format_func=lambda r: f"{r.name} (#{r.id})",
                       key="rp_round")
    buffer = io.BytesIO()
    questionnaire.export(ctx.engine, ctx.client.id, rnd.id, lang, buffer, client_name=ctx.client.name)
    st.download_button(t("reporting.page.download_questionnaire", lang), buffer.getvalue(),
                       file_name=f"fragebogen-{ctx.client.slug}-{rnd.id}.xlsx", mime=XLSX, key="rp_q_download")
    upload = st.file_uploader(t("reporting.page.upload", lang), type=["xlsx"], key=f"rp_upload_{rnd.id}")
    if upload is None:
        return
    try:
        answers = questionnaire.read(ctx.engine, ctx.client.id, rnd.id, io.BytesIO(upload.getvalue()),
                                     source=upload.name, lang=lang)
        changes = questionnaire.diff(ctx.engine, ctx.client.id, rnd.id, answers, lang)
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
            merged = questionnaire.merge(ctx.engine, ctx.client.id, rnd.id, changes, actor=ctx.actor,
                                         source=upload.name)
        except CockpitError as exc:
            return show_error(exc, lang)
        from services.workshop import result

        index = result(ctx.engine, ctx.client.id, rnd.id).maturity_index
        st.success(t("reporting.page.merged", lang, n=len(merged.written), index=number(index, lang, 2)))
        if merged.skipped:
            st.warning(t("reporting.page.skipped", lang, ids=", ".join(merged.skipped)))


ctx = context()
lang = ctx.lang
st.title(t("reporting.page.title", lang))
if ctx.client is None:
    empty_state(t("reporting.page.no_client", lang))
    st.stop()
st.caption(t("reporting.page.intro", lang))
info = latest_dataset(ctx.engine, ctx.client.id)
if info is None:
    st.info(t("reporting.page.no_data", lang))
    labels, default = [], None
else:
    gran = st.radio(t("reporting.page.granularity", lang), ("quarter", "month", "year"), horizontal=True,
                    format_func=lambda g: t(f"reporting.per.{g}", lang), key="rp_granularity")
    labels, default = _periods(ctx.settings.database_url, ctx.client.id, info.version, gran)
left, mid, right = st.columns(3)
period = left.selectbox(t("reporting.page.period", lang), labels or ["-"], key="rp_period",
                        index=labels.index(default) if default in labels else 0)
report_lang = mid.selectbox("Sprache / Language", ("de", "en"), index=("de", "en").index(lang), key="rp_lang",
                            format_func={"de": "Deutsch", "en": "English"}.get)
raw = right.checkbox(t("reporting.page.raw", lang), key="rp_raw")
b1, b2 = st.columns(2)
if b1.button(t("reporting.page.build_excel", lang), key="rp_build_xlsx", type="primary"):
    _build(ctx, "xlsx", period, report_lang, raw)
if b2.button(t("reporting.page.build_pdf", lang), key="rp_build_pdf"):
    _build(ctx, "pdf", period, report_lang, raw)
stem = f"bericht-{ctx.client.slug}-{period}"
for kind, column, mime in (("xlsx", b1, XLSX), ("pdf", b2, "application/pdf")):
    built = st.session_state.get(f"rp_{kind}")
    if built and built[0] == (ctx.client.id, period, report_lang, raw):
        column.download_button(t(f"reporting.page.download_{'excel' if kind == 'xlsx' else 'pdf'}", lang), built[1],
                               file_name=f"{stem}.{kind}", mime=mime, key=f"rp_download_{kind}")
kpis = st.session_state.get("rp_kpis")
if kpis and kpis[0] == (ctx.client.id, period, report_lang) and isinstance(kpis[1], pd.DataFrame):
    st.download_button(t("reporting.page.kpi_csv", lang), safe_csv(kpis[1], report_lang), file_name=f"{stem}-kpis.csv",
                       mime="text/csv", help=t("reporting.page.kpi_csv_help", lang), key="rp_kpi_csv")
st.divider()
_offline(ctx)
