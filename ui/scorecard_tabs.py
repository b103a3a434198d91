"""The scorecard page's tabs: the KPI tables per perspective with the drill-down trend and its
forecast, snapshots (freeze, list, compare), manual values per period, and the consultant's editor
for targets, thresholds and weights. Every write goes through a use case (``usecases.scorecard``),
which checks the permission itself."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.line import add_forecast, add_target, line
from core.errors import CockpitError, ConflictError
from core.formatting import number, percent
from core.i18n import t
from services.forecast_targets import MIN_HISTORY
from services.scorecard_editing import editor_frame, manual_table
from ui.kpi_widgets import percent_ticks
from ui.scorecard_widgets import STATUS_ICONS, badge_md, forecast_cells, kpi_table, status_text, value_text
from ui.widgets import page_link, show_error
from usecases import assessment
from usecases import scorecard as uc
from usecases.session import allowed


def kpis(view, lang: str, markers: dict[str, str], ahead: pd.DataFrame) -> None:
    """Per perspective its objectives and KPI table (with the next period's forecast against the
    target and the alerts), then one KPI's trend with its forecast and a link to its page."""
    result, names = view.result, view.labels
    cells = forecast_cells(ahead, names, lang)
    for p in result.perspectives:
        st.markdown(f"#### {p.name.get(lang)} {badge_md(p.status.value, lang, percent(p.score, lang, 0))}")
        members = [o for o in result.objectives if o.perspective == p.id]
        st.markdown(" · ".join(f"{o.name.get(lang)} {badge_md(o.status.value, lang, percent(o.score, lang, 0))}"
                               for o in members))
        kpi_table([k for k in result.kpis if k.perspective == p.id], names, lang, key=f"tbl_{p.id}",
                  objectives={o.id: o.name.get(lang) for o in members}, alerts=markers, forecasts=cells)
    st.divider()
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    drill = left.selectbox(t("views.scorecard.drill", lang), view.drill_ids,
                           format_func=lambda k: names[k].name.get(lang), key="sc_drill")
    with right:
        page_link("ui/pages/kpi_page.py", label=t("views.scorecard.open_kpi", lang), icon=":material/query_stats:",
                  query_params={"kpi": drill})
    trend(view, drill, ahead, lang)


def trend(view, kpi_id: str, ahead: pd.DataFrame, lang: str) -> None:
    """The KPI's last periods up to the chosen one, its forecast dashed with the 80 % band after the
    last complete period (when the chosen period is that one), the target dotted; beneath it the
    method and its backtest error beside seasonal-naive's."""
    k, label = view.result.kpi(kpi_id), view.labels[kpi_id]
    name = label.name.get(lang)
    history = pd.DataFrame(list(k.history), columns=["period", "value"]).dropna()
    fig = line(history, lang, series=None, percent=label.unit == "ratio", y_title=name,
               title=t("scorecard.forecast.trend_title", lang, kpi=name))
    rows = ahead[ahead["kpi"] == kpi_id]
    anchor = history[history["period"] == rows["last"].iloc[0]]["value"] if len(rows) else pd.Series(dtype=float)
    if len(anchor):
        add_forecast(fig, rows, lang, t("scorecard.forecast.line", lang), t("scorecard.forecast.band", lang),
                     last=(str(rows["last"].iloc[0]), float(anchor.iloc[0])))
    add_target(fig, k.target, t("scorecard.forecast.target", lang))
    st.plotly_chart(percent_ticks(fig, label.unit), width="stretch", key="sc_trend")
    st.caption(_forecast_caption(rows, view, lang, shown=bool(len(anchor))))


def _forecast_caption(rows: pd.DataFrame, view, lang: str, shown: bool) -> str:
    if not len(rows):
        return t("scorecard.forecast.none", lang, n=MIN_HISTORY)
    if not shown:
        return t("scorecard.forecast.older", lang, last=view.default_period)
    first = rows.iloc[0]
    mase = lambda v: "–" if pd.isna(v) else number(v, lang, 2)  # noqa: E731
    if first["method"] == "ets":
        return t("scorecard.forecast.ets", lang, mase=mase(first["mase"]), naive=mase(first["naive_mase"]))
    key = "scorecard.forecast.naive_short" if first["reason"] == "too_short" else "scorecard.forecast.naive"
    return t(key, lang, naive=mase(first["naive_mase"]))


def _stamp(value, lang: str) -> str:
    return value.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M") if value else "–"


def snapshots(ctx, view, lang: str) -> None:
    result, names = view.result, view.labels
    st.caption(t("views.snapshot.intro", lang))
    if view.may_edit:
        with st.form("snapshot_form", clear_on_submit=True, border=True):
            label = st.text_input(t("views.snapshot.label", lang), key="snapshot_label",
                                  placeholder=t("views.snapshot.placeholder", lang, period=result.period))
            if st.form_submit_button(t("scorecard.snapshot", lang), icon=":material/ac_unit:"):
                uc.freeze_snapshot(ctx.session, view, label or result.period)
                st.success(t("views.snapshot.saved", lang, period=result.period))
    infos = uc.snapshots(ctx.session, result.scorecard_id)
    if not infos:
        st.info(t("views.snapshot.none", lang), icon="ℹ️")
        return
    rounds = {r.id: r.name for r in assessment.rounds(ctx.session)} if allowed(ctx.session, "assessment.view") else {}
    listing = pd.DataFrame({
        "id": [s.id for s in infos], t("views.snapshot.label", lang): [s.label for s in infos],
        t("common.period", lang): [s.period for s in infos],
        t("views.snapshot.created", lang): [_stamp(s.created_at, lang) for s in infos],
        t("views.overview.version", lang): ["–" if s.dataset_version is None else f"v{s.dataset_version}" for s in infos],
        t("views.snapshot.round", lang): ["–" if s.round_id is None else rounds.get(s.round_id, f"#{s.round_id}")
                                          for s in infos]})
    st.dataframe(listing, hide_index=True, width="stretch", key="snapshot_list")
    if len(infos) < 2:
        return
    st.markdown(f"**{t('scorecard.compare', lang)}**")
    by_id = {s.id: s for s in infos}
    name = lambda i: f"#{i} {by_id[i].label} ({by_id[i].period})"  # noqa: E731
    a, b = st.columns(2)
    first = a.selectbox(t("views.snapshot.first", lang), list(by_id)[::-1], format_func=name, key="snap_a")
    second = b.selectbox(t("views.snapshot.second", lang), list(by_id), format_func=name, key="snap_b")
    diff = uc.compare_snapshots(ctx.session, first, second)
    unit = lambda k: names[k].unit if k in names else "score"  # noqa: E731
    shown = pd.DataFrame({
        t("scorecard.kpi", lang): [names[k].name.get(lang) if k in names else k for k in diff["kpi"]],
        f"{t('scorecard.status', lang)} A": [f"{STATUS_ICONS[s]} {status_text(s, lang)}" for s in diff["status_a"]],
        f"{t('scorecard.status', lang)} B": [f"{STATUS_ICONS[s]} {status_text(s, lang)}" for s in diff["status_b"]],
        f"{t('scorecard.actual', lang)} A": [value_text(_num(v), unit(k), lang) for k, v in zip(diff["kpi"], diff["actual_a"])],
        f"{t('scorecard.actual', lang)} B": [value_text(_num(v), unit(k), lang) for k, v in zip(diff["kpi"], diff["actual_b"])],
        t("scorecard.delta", lang): [value_text(_num(v), unit(k), lang) for k, v in zip(diff["kpi"], diff["actual_delta"])],
        f"{t('scorecard.achievement', lang)} A": [percent(_num(v), lang, 0) for v in diff["achievement_a"]],
        f"{t('scorecard.achievement', lang)} B": [percent(_num(v), lang, 0) for v in diff["achievement_b"]]})
    st.dataframe(shown, hide_index=True, width="stretch", key="snapshot_compare")


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def manual_values(ctx, view, lang: str) -> None:
    card, may_edit = view.card, view.may_edit
    if not card.manual_kpis:
        st.info(t("views.manual.none", lang), icon="ℹ️")
        return
    st.caption(t("views.manual.intro", lang))
    grid = manual_table(card, view.manual, list(reversed(view.periods)))
    config = {"period": st.column_config.TextColumn(t("common.period", lang), disabled=True)}
    config.update({m.id: st.column_config.NumberColumn(f"{m.name.get(lang)}", min_value=0.0, format="localized")
                   for m in card.manual_kpis})
    rev = st.session_state.get("manual_rev", 0)
    edited = st.data_editor(grid, key=f"manual_editor_{rev}", hide_index=True, num_rows="fixed",
                            column_config=config, disabled=not may_edit, width="content")
    if may_edit and st.button(t("common.save", lang), key="manual_save", icon=":material/save:"):
        try:
            changed = uc.save_manual_values(ctx.session, grid, edited)
        except CockpitError as exc:
            show_error(exc, lang)
            return
        st.session_state["manual_rev"] = rev + 1
        st.session_state["manual_saved"] = changed
        st.rerun()
    if "manual_saved" in st.session_state:
        st.success(t("views.manual.saved", lang, n=st.session_state.pop("manual_saved")))


def editor(ctx, view, lang: str) -> None:
    """Targets, thresholds and weights. The version the user started editing from is kept for the
    session: a save after someone else's save is refused (``ConflictError``), never merged blindly."""
    loaded, names = view.loaded, view.labels
    base_key = f"editor_base_{ctx.client.id}_{loaded.card.id}"
    base = st.session_state.setdefault(base_key, loaded.version)
    where = (t("views.editor.client_copy", lang, version=loaded.version) if loaded.version is not None
             else t("views.editor.default", lang))
    st.caption(f"{t('views.editor.intro', lang)} {where}")
    frame = editor_frame(loaded.card)
    objective_names = {o.id: o.name.get(lang) for o in loaded.card.objectives}
    frame.insert(2, "objective_name", [objective_names.get(o, o) for o in frame["objective"]])
    frame.insert(3, "name", [names[k].name.get(lang) if k in names else k for k in frame["kpi"]])
    number = lambda key: st.column_config.NumberColumn(t(key, lang), format="localized")  # noqa: E731
    edited = st.data_editor(frame, key=f"scorecard_editor_{base}", hide_index=True, num_rows="fixed",
                            disabled=["objective", "kpi", "objective_name", "name", "unit"], width="stretch",
                            height=36 * (len(frame) + 1) + 4, column_config={
                                "objective": None, "kpi": None,
                                "objective_name": st.column_config.TextColumn(t("scorecard.objective", lang),
                                                                              width=190),
                                "name": st.column_config.TextColumn(t("scorecard.kpi", lang), width=190),
                                "unit": st.column_config.TextColumn(t("kpis.unit", lang), width=60),
                                "target": number("scorecard.target"), "baseline": number("scorecard.baseline"),
                                "green": number("views.editor.green"), "amber": number("views.editor.amber"),
                                "weight": number("scorecard.weight")})
    save, reset = st.columns([1, 3])
    if save.button(t("common.save", lang), key="editor_save", icon=":material/save:", type="primary"):
        try:
            version = uc.save_targets(ctx.session, loaded, edited.drop(columns=["objective_name", "name"]), base)
        except ConflictError:
            st.session_state.pop(base_key, None)  # the next run starts from what the database holds
            st.error(t("views.editor.conflict", lang), icon=":material/sync_problem:")
        except CockpitError as exc:
            show_error(exc, lang)  # nothing was written: the previous version stays in force
        else:
            st.session_state[base_key] = version
            st.session_state["editor_saved"] = version
            st.rerun()
    if loaded.version is not None and reset.button(t("views.editor.reset", lang), key="editor_reset"):
        try:
            uc.reset_targets(ctx.session, loaded)
        except CockpitError as exc:
            show_error(exc, lang)
        else:
            st.session_state.pop(base_key, None)
            st.rerun()
    if "editor_saved" in st.session_state:
        st.success(t("views.editor.saved", lang, version=st.session_state.pop("editor_saved")))
