"""Forecast vs target: the scorecard KPIs' next periods beside their targets, with the light each
forecast value would get (issue 11.2; the scorecard page and the report's "Prognosen" sheet).

Pure: the card, its actuals per card period (``services.scorecard_view.engine_actuals``) and the
fitted forecasts in, a table out. ``fit_card`` fits them here (``cli.py report --data``); the
client's pages take them from the cached ``usecases.analysis.kpi_forecast`` and hand them in.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analytics.forecast import Forecast, forecast_table
from scorecards.model import Scorecard
from scorecards.rules import traffic_lights

HORIZON = {"month": 6, "quarter": 4}  # periods ahead (KPI page, scorecard, report): half a year, a year
MIN_HISTORY = 4  # card periods of history up to the last one before a KPI is forecast (a year of quarters)
COLUMNS = ["kpi", "step", "period", "value", "lower", "upper", "method", "reason", "mase", "naive_mase", "target", "green",
           "amber", "status", "last"]

Fitted = tuple[pd.DataFrame, Forecast, str]  # rows (period, value, lower, upper, method), the fit, the last period


def forecastable(card: Scorecard, actuals: pd.DataFrame, last: str) -> dict[str, pd.DataFrame]:
    """Per computed KPI of the card with ``MIN_HISTORY`` periods of values up to ``last`` (and a
    value in ``last``): its series (period, value) up to ``last``; none for a yearly card."""
    if card.granularity.value not in HORIZON:
        return {}
    dated = actuals[actuals["period"].notna() & actuals["value"].notna()]
    dated = dated[dated["period"].astype(str) <= last]
    out = {}
    for kpi_id in card.computed_kpi_ids:
        series = dated[dated["kpi"] == kpi_id][["period", "value"]]
        if len(series) >= MIN_HISTORY and (series["period"].astype(str) == last).any():
            out[kpi_id] = series
    return out


def fit_card(card: Scorecard, actuals: pd.DataFrame, last: str, ratios: set[str]) -> dict[str, Fitted]:
    """The forecast of every forecastable KPI (``ratios``: the KPIs kept within 0-100 %)."""
    out = {}
    for kpi_id, series in forecastable(card, actuals, last).items():
        rows, fit = forecast_table(series, card.granularity.value, HORIZON[card.granularity.value], last=last,
                                   ratio=kpi_id in ratios)
        out[kpi_id] = (rows, fit, last)
    return out


def versus_target(card: Scorecard, fitted: Mapping[str, Fitted]) -> pd.DataFrame:
    """One row per KPI (card order) and forecast period: value, 80 % interval, method, the backtest
    MASE of the chosen method and of seasonal-naive, the KPI's target and thresholds, and the
    light of the forecast value (green/amber/red by the same rule as the actual value)."""
    parts = []
    for k in card.kpis:
        if k.kpi not in fitted:
            continue
        rows, fit, last = fitted[k.kpi]
        chosen = fit.model if fit.method == "ets" else fit.naive
        parts.append(rows.assign(kpi=k.kpi, step=np.arange(1, len(rows) + 1), reason=fit.reason,
                                 mase=chosen.mase if chosen is not None else np.nan,
                                 naive_mase=fit.naive.mase if fit.naive is not None else np.nan,
                                 target=k.target, green=k.thresholds.green, amber=k.thresholds.amber,
                                 higher=k.direction.higher, last=last))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("value", "lower", "upper", "mase", "naive_mase",
                                                                    "target", "green", "amber") else "object")
                             for c in COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    frame["status"] = traffic_lights(frame["value"], frame["green"], frame["amber"], frame["higher"])
    return frame[COLUMNS]


def next_period(table: pd.DataFrame) -> pd.DataFrame:
    """The first forecast period of each KPI (the scorecard's "Prognose Q1" column)."""
    return table[table["step"] == 1].set_index("kpi")
