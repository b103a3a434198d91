"""The start page's panels: maturity, scorecard, the alert feed, data status (Streamlit; the numbers
come from ``usecases.scorecard.view_scorecard`` and ``usecases.alerts.view_alerts``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import CockpitError
from core.formatting import day, number, percent
from core.i18n import t
from ui.scorecard_widgets import badge, badge_md, kpi_tile, value_text
from ui.widgets import empty_state, page_link, show_error
from usecases.alerts import acknowledge
from usecases.datasets import completeness

SHOWN_ALERTS = 6  # the rest behind "n more"
# Material icons: drawn by Streamlit's own font, not the system's emoji (the headless browser has none)
ALERT_ICONS = {"trend_break": ":material/trending_down:", "turned_red": ":material/error:",
               "red": ":material/report:", "turns_red": ":material/update:"}


def maturity_panel(maturity, lang: str, open_round=None) -> None:
    st.subheader(t("views.overview.maturity", lang))
    if open_round is not None:  # shown as what it is, never as the maturity (issue 14.2)
        st.caption(t("views.overview.open_round", lang, round=open_round.round_name, answered=open_round.answered,
                     total=open_round.total))
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


def alert_feed(ctx, feed, lang: str) -> None:
    """The alerts of the last complete month: one line each (kind, sentence, who acknowledged it),
    all of them as a table, and the form to acknowledge one (for those who may)."""
    if feed.period is None:
        return
    st.subheader(t("alerts.feed.title", lang, period=feed.period))
    if not feed.items:
        st.success(t("alerts.feed.none", lang), icon=":material/check_circle:")
        return
    st.caption(t("alerts.feed.caption", lang, open=feed.open, total=len(feed.items)))
    for item in feed.items[:SHOWN_ALERTS]:
        _alert_line(item, lang)
    if len(feed.items) > SHOWN_ALERTS:
        with st.expander(t("alerts.feed.more", lang, n=len(feed.items) - SHOWN_ALERTS)):
            for item in feed.items[SHOWN_ALERTS:]:
                _alert_line(item, lang)
    with st.expander(t("alerts.feed.table", lang)):
        st.dataframe(alert_table(feed.items, lang), hide_index=True, width="stretch", key="alert_table")
    if "alert_acked" in st.session_state:
        st.success(t("alerts.ack.done", lang), icon=":material/done:")
        del st.session_state["alert_acked"]
    open_items = {i.key: i for i in feed.items if i.acknowledged is None}
    if feed.may_acknowledge and open_items:
        with st.form("alert_ack_form", clear_on_submit=True, border=True):
            st.markdown(f"**{t('alerts.ack.title', lang)}**")
            key = st.selectbox(t("alerts.ack.which", lang), list(open_items), key="alert_ack_key",
                               format_func=lambda k: _title(open_items[k]))
            note = st.text_input(t("alerts.ack.note", lang), key="alert_ack_note", max_chars=2000)
            if st.form_submit_button(t("alerts.ack.button", lang), icon=":material/done:"):
                try:
                    acknowledge(ctx.session, key, note, feed.scorecard_id)
                except CockpitError as exc:
                    show_error(exc, lang)
                    return
                st.session_state["alert_acked"] = key
                st.rerun()


def _title(item) -> str:
    return f"{item.kind_name}: {item.kpi_name} · {item.slice_name} ({item.period})"


def _alert_line(item, lang: str) -> None:
    icon = ALERT_ICONS.get(item.kind, ":material/warning:")
    st.markdown(f"{icon} **{item.kind_name}** · {item.sentence}")
    if item.acknowledged is not None:
        ack = item.acknowledged
        when = f"{day(ack.at, lang)} {ack.at:%H:%M}"
        note = f": {ack.note}" if ack.note else ""
        st.caption(f":material/done: {t('alerts.feed.acknowledged', lang, who=ack.by or '–', when=when)}{note}")


def alert_table(items, lang: str) -> pd.DataFrame:
    """The feed as a table: kind, KPI, slice, period, value, expected, band (in the KPI's unit), acknowledged."""
    band = [f"{value_text(i.lower, i.unit, lang)} – {value_text(i.upper, i.unit, lang)}"
            if i.lower is not None else "–" for i in items]
    columns = {"kind": [i.kind_name for i in items], "kpi": [i.kpi_name for i in items],
               "slice": [i.slice_name for i in items], "period": [i.period for i in items],
               "value": [value_text(i.value, i.unit, lang) for i in items],
               "expected": [value_text(i.expected, i.unit, lang) for i in items], "band": band,
               "acknowledged": [i.acknowledged.by if i.acknowledged else "" for i in items],
               "note": [i.acknowledged.note if i.acknowledged else "" for i in items]}
    return pd.DataFrame({t(f"alerts.col.{k}", lang): v for k, v in columns.items()})
