"""Small Streamlit pieces the cockpit pages share: status badges, KPI values and deltas formatted
by unit, KPI tiles. Formatting happens here, at the edge (``core.formatting``)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.theme import STATUS_COLOURS
from core.formatting import by_unit, currency, number, percent
from core.i18n import t
from scorecards.result import KpiResult
from services.forecast_targets import next_period

BADGE_COLOURS = {"green": "green", "amber": "orange", "red": "red", "grey": "gray"}
STATUS_ICONS = {"green": "🟢", "amber": "🟡", "red": "🔴", "grey": "⚪"}
TREND_ARROWS = {"up": "↑", "down": "↓", "flat": "→", "none": "–"}
ALERT_ICONS = {"trend_break": "📉", "turned_red": "🔴", "red": "🟥", "turns_red": "⏳"}


def alert_markers(feed) -> dict[str, str]:
    """Per KPI the marker of the scorecard table: each alert's icon, kind and slice ("📉 Trendbruch
    (Kanal E-Mail)"); an acknowledged one with a tick."""
    out: dict[str, list[str]] = {}
    for i in feed.items:
        done = " ✔" if i.acknowledged is not None else ""
        out.setdefault(i.kpi, []).append(f"{ALERT_ICONS.get(i.kind, '⚠️')} {i.kind_name} ({i.slice_name}){done}")
    return {k: "; ".join(v) for k, v in out.items()}


def forecast_cells(ahead: pd.DataFrame, names: dict, lang: str) -> dict[str, str]:
    """Per KPI the scorecard table's forecast of the next period against the target, with its light
    ("🟡 2026-Q1: 7,9 % · gelb", shown beside the target); ``ahead``: ``usecases.analysis.scorecard_forecast``."""
    out = {}
    for kpi_id, r in next_period(ahead).iterrows():  # one row per KPI: formatting at the edge
        unit = names[kpi_id].unit if kpi_id in names else "score"
        out[kpi_id] = t("scorecard.forecast.cell", lang, icon=STATUS_ICONS.get(r["status"], ""),
                        period=r["period"], value=value_text(r["value"], unit, lang),
                        status=status_text(r["status"], lang))
    return out


def status_text(status: str, lang: str) -> str:
    return t(f"scorecard.status.{status}", lang)


def badge(status: str, lang: str, text: str | None = None) -> None:
    """A coloured badge: the traffic light in words (readable without colour too)."""
    st.badge(text or status_text(status, lang), color=BADGE_COLOURS.get(status, "gray"))


def badge_md(status: str, lang: str, text: str | None = None) -> str:
    """The same badge as a Markdown directive (inside a line of text)."""
    words = (text or status_text(status, lang)).replace("[", "(").replace("]", ")")
    return f":{BADGE_COLOURS.get(status, 'gray')}-badge[{words}]"


def value_text(value: float | None, unit: str, lang: str) -> str:
    """The value by its unit; money from 1.000 on without cents (a tile is read at a glance)."""
    if value is None:
        return "–"
    if unit == "currency" and abs(value) >= 1000:
        return currency(value, lang, 0)
    return by_unit(value, unit, lang)


def delta_text(kpi: KpiResult, unit: str, lang: str) -> str | None:
    """Change against the previous period in the KPI's unit (ratios in percentage points)."""
    if kpi.actual is None or kpi.previous is None:
        return None
    delta = kpi.actual - kpi.previous
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    if unit == "ratio":
        points = number(abs(delta) * 100, lang, 1)
        return f"{sign}{points} Pp." if lang == "de" else f"{sign}{points} pp"
    return f"{sign}{value_text(abs(delta), unit, lang)}"


def trend_text(kpi: KpiResult, lang: str) -> str:
    arrow = TREND_ARROWS.get(kpi.trend.movement.value, "–")
    verdict = kpi.trend.verdict.value
    if verdict in ("better", "worse"):
        return f"{arrow} {t(f'scorecard.verdict.{verdict}', lang)}"
    return arrow


def kpi_tile(kpi: KpiResult, name: str, unit: str, lang: str) -> None:
    """A metric tile: value, delta against the previous period (coloured by direction), the last
    periods as a small line, the traffic light as a badge."""
    history = [v for _, v in kpi.history if v is not None]
    higher = kpi.direction == "higher_is_better"
    with st.container(border=True):
        st.metric(name, value_text(kpi.actual, unit, lang), delta=delta_text(kpi, unit, lang),
                  delta_color="normal" if higher else "inverse",
                  chart_data=history if len(history) > 1 else None, chart_type="line",
                  help=t("views.tile.help", lang, target=value_text(kpi.target, unit, lang),
                         achievement=percent(kpi.achievement, lang, 0)))
        badge(kpi.status.value, lang, f"{status_text(kpi.status.value, lang)} · {t('scorecard.target', lang)} "
                                      f"{value_text(kpi.target, unit, lang)}")


def kpi_table(kpis: list[KpiResult], names: dict, lang: str, key: str, objectives: dict | None = None,
              alerts: dict[str, str] | None = None, forecasts: dict[str, str] | None = None) -> None:
    """One row per KPI: objective (on its first row), light (coloured cell), actual, target,
    achievement bar, trend, the last periods as a line, the next period's forecast against the
    target (``forecast_cells``) and its alerts (``alert_markers``)."""
    seen: set[str] = set()
    rows = []
    for k in kpis:
        first = k.objective not in seen
        seen.add(k.objective)
        rows.append({
            "objective": (objectives or {}).get(k.objective, k.objective) if first else "",
            "kpi": names[k.kpi].name.get(lang) if k.kpi in names else k.kpi,
            "status": status_text(k.status.value, lang),
            "actual": value_text(k.actual, _unit(k, names), lang),
            "target": value_text(k.target, _unit(k, names), lang),
            "achievement": None if k.achievement is None else round(k.achievement * 100, 1),
            "trend": trend_text(k, lang),
            "history": [float(v) for _, v in k.history if v is not None],  # gaps left out: the line stays drawn
            "forecast": (forecasts or {}).get(k.kpi, ""),
            "alert": (alerts or {}).get(k.kpi, ""),
        })
    frame = pd.DataFrame(rows, columns=["objective", "kpi", "status", "actual", "target", "forecast", "achievement",
                                        "trend", "history", "alert"])
    fills = {status_text(s, lang): f"background-color: {c}33" for s, c in STATUS_COLOURS.items()}
    styled = frame.style.map(lambda v: fills.get(v, ""), subset=["status"])
    st.dataframe(styled, hide_index=True, width="stretch", key=key, column_config={
        "objective": st.column_config.TextColumn(t("scorecard.objective", lang), width=150),
        "kpi": st.column_config.TextColumn(t("scorecard.kpi", lang), width=200),
        "status": st.column_config.TextColumn(t("scorecard.status", lang), width=70),
        "actual": st.column_config.TextColumn(t("scorecard.actual", lang), width=90),
        "target": st.column_config.TextColumn(t("scorecard.target", lang), width=90),
        "achievement": st.column_config.ProgressColumn(t("scorecard.achievement", lang), min_value=0, max_value=100,
                                                       format="%.0f %%", width=100),
        "trend": st.column_config.TextColumn(t("scorecard.trend", lang), width=95),
        "history": st.column_config.LineChartColumn(t("views.scorecard.history", lang), width=120),
        "forecast": st.column_config.TextColumn(t("scorecard.forecast.column", lang), width=170,
                                                help=t("scorecard.forecast.help", lang)) if forecasts else None,
        "alert": st.column_config.TextColumn(t("alerts.marker", lang), width=220, help=t("alerts.marker_help", lang))
        if alerts else None,
    })


def _unit(kpi: KpiResult, names: dict) -> str:
    return kpi.unit or (names[kpi.kpi].unit if kpi.kpi in names else "score")
