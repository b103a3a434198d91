"""Explore the KPIs and the customer lifecycle of the client's current data: the KPI page, the
lifecycle page, ``cli.py kpi compute`` / ``lifecycle`` on a stored client.

Every answer is kept per (database, client, dataset version, question), so a filter change that
goes back to an earlier filter, a rerun or a second user asks the engine once.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.forecast import Forecast, forecast_table
from core.query import Filters
from kpis.engine import compute
from lifecycle.views import compute_view
from services.forecast_targets import HORIZON, Fitted, forecastable, versus_target
from services.scorecard_view import default_period, kpi_labels
from storage.datasets import DatasetInfo
from usecases import datasets, scorecard
from usecases.caching import cache
from usecases.session import Session, require

_KPIS = cache("kpi_table")
_VIEWS = cache("lifecycle_view")
_FORECASTS = cache("kpi_forecast", maxsize=256)  # a card has ~20 KPIs: several clients and report quarters


@dataclass(frozen=True)
class KpiForecast:
    """The next periods of a KPI after the last complete one, with an 80 % interval, and how the
    method did in the rolling-origin backtest (``analytics.forecast``)."""

    rows: pd.DataFrame  # period, value, lower, upper, method
    fit: Forecast
    last: str           # the last period the forecast was fitted on


def kpi_table(session: Session, info: DatasetInfo, kpi_ids: tuple[str, ...], by: tuple[str, ...] = (),
              granularity: str | None = None, filters: Filters = Filters()) -> pd.DataFrame:
    """Any KPI table of the engine: by a breakdown, per period, filtered (``kpis.results`` columns)."""
    require(session, "scorecard.view")
    key = (session.settings.database_url, session.client_id, info.version, tuple(kpi_ids), tuple(by), granularity,
           filters)
    return _KPIS.get(key, lambda: compute(datasets.source(session, info), kpi_ids, by=by, period=granularity,
                                          filters=filters))


def lifecycle_view(session: Session, info: DatasetInfo, view: str, filters: Filters = Filters(),
                   granularity: str = "month", by: str = "acquisition_channel") -> pd.DataFrame:
    """One lifecycle view (``lifecycle.views.VIEWS``) for the filters."""
    require(session, "scorecard.view")
    key = (session.settings.database_url, session.client_id, info.version, view, filters, granularity, by)
    return _VIEWS.get(key, lambda: compute_view(datasets.source(session, info), view, filters, period=granularity,
                                                by=by))


def kpi_forecast(session: Session, info: DatasetInfo, kpi_id: str, trend: pd.DataFrame, granularity: str,
                 ratio: bool, filters: Filters = Filters(), last: str | None = None) -> KpiForecast | None:
    """The forecast of one KPI's ``trend`` (``kpi_table`` rows of the filters), fitted up to ``last``
    (default: the last complete period); None per year, or with fewer than two periods of history."""
    require(session, "scorecard.view")
    last = last or last_complete_period(session, info, trend, granularity)
    if granularity not in HORIZON or last is None or (trend["period"].astype(str) <= last).sum() < 2:
        return None
    key = (session.settings.database_url, session.client_id, info.version, kpi_id, granularity, filters, last)

    def fit() -> KpiForecast:
        rows, result = forecast_table(trend[["period", "value"]], granularity, HORIZON[granularity], last=last,
                                      ratio=ratio)
        return KpiForecast(rows, result, last)

    return _FORECASTS.get(key, fit)


def last_complete_period(session: Session, info: DatasetInfo, table: pd.DataFrame, granularity: str) -> str | None:
    """The default period of a KPI table: the same rule as the scorecard's and the reports'."""
    return default_period(table, granularity, datasets.choices(session, info).last_day)


def card_forecasts(session: Session, info: DatasetInfo, card, actuals: pd.DataFrame, last: str) -> dict[str, Fitted]:
    """The forecasts of the card's KPIs with enough history (``services.forecast_targets``), fitted
    up to ``last``; each one kept in ``kpi_forecast``'s cache, so a rerun, the report and the KPI
    page per quarter fit it once per dataset version."""
    labels = kpi_labels(card)
    out = {}
    for kpi_id, series in forecastable(card, actuals, last).items():
        found = kpi_forecast(session, info, kpi_id, series, card.granularity.value,
                             kpi_id in labels and labels[kpi_id].unit == "ratio", last=last)
        if found is not None:
            out[kpi_id] = (found.rows, found.fit, found.last)
    return out


def scorecard_forecast(session: Session, view) -> pd.DataFrame:
    """Forecast vs target (``services.forecast_targets.versus_target``) of a ``ScorecardView``'s card
    after its last complete period: what comes next, whichever period the page shows."""
    require(session, "scorecard.view")
    if view.dataset is None or view.default_period is None:
        return versus_target(view.card, {})
    table = scorecard.actuals(session, view.dataset, view.card)
    return versus_target(view.card, card_forecasts(session, view.dataset, view.card, table, view.default_period))
