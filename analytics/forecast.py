"""Forecasts of a KPI series (issue 11 item 2): ETS from statsmodels, kept only where it beats
seasonal-naive in a rolling-origin backtest; otherwise seasonal-naive with its own empirical interval.

Pure: a list of values in period order in, a ``Forecast`` out. The backtest fits each origin on the
values up to that origin only, so it never sees the future it is scored on.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from core.query import Period

SEASON = {"month": 12, "quarter": 4}
LEVEL = 0.8          # the interval: 80 %
MAX_HORIZON = 12
ETS, SNAIVE = "ets", "seasonal_naive"


@dataclass(frozen=True)
class Backtest:
    """Errors of the h-step forecasts from the last ``origins`` origins."""

    mase: float
    mape: float          # NaN where an actual value is 0
    origins: int


@dataclass(frozen=True)
class Forecast:
    values: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    method: str                  # ETS or SNAIVE
    model: Backtest | None       # the ETS backtest (None: too short to test)
    naive: Backtest | None       # the seasonal-naive backtest
    reason: str = ""             # why SNAIVE was chosen, if it was


def forecast(series: Sequence[float], period: str, horizon: int, bounds: tuple[float, float | None] = (0.0, None),
             origins: int = 6) -> Forecast:
    """Forecast ``horizon`` (1..12) periods after ``series``; ``bounds`` clips values and interval
    (``(0, 1)`` for a rate, ``(0, None)`` for a count)."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"horizon {horizon} is outside 1..{MAX_HORIZON}")
    y = np.asarray([v for v in series if v is not None and not math.isnan(v)], dtype="float64")
    if len(y) < 2:
        raise ValueError("a forecast needs at least 2 periods with a value")
    m = SEASON[period]
    model, naive = backtest(y, m, horizon, origins)
    if model is None or naive is None:
        chosen, reason = SNAIVE, "too_short"
    elif model.mase < naive.mase:
        chosen, reason = ETS, ""
    else:
        chosen, reason = SNAIVE, "not_better"
    mean, lo, hi = _ets(y, m, horizon) if chosen == ETS else _snaive_interval(y, m, horizon)
    clip = lambda a: tuple(float(v) for v in np.clip(a, bounds[0], bounds[1]))  # noqa: E731
    return Forecast(clip(mean), clip(lo), clip(hi), chosen, model, naive, reason)


def backtest(y: np.ndarray, m: int, horizon: int, origins: int) -> tuple[Backtest | None, Backtest | None]:
    """MASE/MAPE of ETS and seasonal-naive over the last ``origins`` origins (None when too short)."""
    first = max(len(y) - horizon - origins + 1, _min_fit(m))
    cuts = list(range(first, len(y) - horizon + 1))
    if not cuts:
        return None, None
    model, naive = [], []
    for cut in cuts:
        past, future = y[:cut], y[cut:cut + horizon]
        model.append((_ets(past, m, horizon)[0], future, past))
        naive.append((seasonal_naive(past, m, horizon), future, past))
    return _score(model, m), _score(naive, m)


def seasonal_naive(y: np.ndarray, m: int, horizon: int) -> np.ndarray:
    """Each period repeats the same period one season earlier (the last value when under a season)."""
    if len(y) < m:
        return np.repeat(y[-1], horizon)
    last = y[-m:]
    return np.array([last[i % m] for i in range(horizon)])


def periods_until_red(values: Sequence[float], red: float, higher_is_better: bool = True) -> int | None:
    """1-based index of the first forecast value on the red side of ``red`` (None: stays clear)."""
    for i, v in enumerate(values, start=1):
        if (v < red) if higher_is_better else (v > red):
            return i
    return None


def _min_fit(m: int) -> int:
    return max(m + 2, 8)


def _scale(past: np.ndarray, m: int) -> float:
    lag = m if len(past) > m else 1
    diffs = np.abs(past[lag:] - past[:-lag])
    return float(diffs.mean()) if len(diffs) and diffs.mean() > 0 else math.nan


def _score(runs, m: int) -> Backtest:
    scaled, pct = [], []
    for pred, actual, past in runs:
        err = np.abs(pred - actual)
        scale = _scale(past, m)
        if not math.isnan(scale):
            scaled.extend(err / scale)
        pct.extend(err / np.abs(actual) if np.all(actual != 0) else [math.nan])
    mase = float(np.mean(scaled)) if scaled else math.nan
    mape = float(np.mean(pct)) if pct and not any(math.isnan(p) for p in pct) else math.nan
    return Backtest(mase, mape, len(runs))


def _ets(y: np.ndarray, m: int, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Additive ETS (damped trend, seasonal with >= 2 seasons); mean and 80 % prediction interval."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = len(y) >= 2 * m
    trend = "add" if len(y) >= 6 else None
    model = ETSModel(pd.Series(y), error="add", trend=trend, damped_trend=trend is not None,
                     seasonal="add" if seasonal else None, seasonal_periods=m if seasonal else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(disp=False, maxiter=200)
        frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=1 - LEVEL)
    mean = frame["mean"].to_numpy()
    if not np.all(np.isfinite(mean)):
        return _snaive_interval(y, m, horizon)
    return mean, frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()


def _snaive_interval(y: np.ndarray, m: int, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seasonal-naive with an empirical 80 % interval from its own past one-season errors, widened
    by the square root of the number of seasons ahead."""
    mean = seasonal_naive(y, m, horizon)
    lag = m if len(y) > m else 1
    resid = y[lag:] - y[:-lag]
    if len(resid) < 2:
        spread_lo = spread_hi = np.abs(y).mean() * 0.2
    else:
        spread_lo = -np.quantile(resid, (1 - LEVEL) / 2)
        spread_hi = np.quantile(resid, 1 - (1 - LEVEL) / 2)
    steps = np.sqrt(np.floor(np.arange(horizon) / lag) + 1)
    return mean, mean - max(spread_lo, 0.0) * steps, mean + max(spread_hi, 0.0) * steps


def forecast_table(table: pd.DataFrame, period: str, horizon: int, last: str | None = None,
                   ratio: bool = False, origins: int = 6) -> tuple[pd.DataFrame, Forecast]:
    """Rows ``period, value, lower, upper, method`` after one KPI's engine table (``period``,
    ``value``), fitted on the periods up to ``last`` (inclusive; default all)."""
    labels = sorted(table["period"].astype(str))
    if last is not None:
        if last not in labels:
            raise ValueError(f"period {last} is not in the data ({labels[0]} .. {labels[-1]})")
        table = table[table["period"].astype(str) <= last]
    series = table.set_index(table["period"].astype(str))["value"].sort_index()
    result = forecast(series.astype("float64").tolist(), period, horizon, bounds=(0.0, 1.0 if ratio else None),
                      origins=origins)
    start = Period.parse(series.index[-1])
    rows = pd.DataFrame({"period": [start.shift(i).label for i in range(1, horizon + 1)],
                         "value": result.values, "lower": result.lower, "upper": result.upper,
                         "method": result.method})
    return rows, result
