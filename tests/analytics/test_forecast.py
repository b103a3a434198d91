"""Forecasts: ETS is kept only where it beats seasonal-naive in a backtest that never sees the future."""
import numpy as np
import pytest

from analytics.forecast import ETS, SNAIVE, forecast, periods_until_red


def seasonal(n: int, seed: int = 1, noise: float = 2.0) -> np.ndarray:
    t = np.arange(n)
    return 100 + 0.5 * t + 20 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(seed).normal(0, noise, n)


def test_model_beats_seasonal_naive_on_a_trending_seasonal_series():
    f = forecast(seasonal(48), "month", 6)
    assert f.method == ETS
    assert f.model.mase < f.naive.mase
    assert f.model.origins == 6
    assert len(f.values) == 6 and all(lo <= v <= hi for v, lo, hi in zip(f.values, f.lower, f.upper))


def test_seasonal_random_walk_falls_back_to_seasonal_naive():
    # y_t = y_(t-12) + noise: seasonal-naive is the best forecast there is
    rng = np.random.default_rng(3)
    y = list(rng.normal(100, 30, 12))
    for _ in range(36):
        y.append(y[-12] + rng.normal(0, 5))
    f = forecast(y, "month", 3)
    assert f.method == SNAIVE and f.reason == "not_better"


def test_short_series_falls_back_and_says_so():
    f = forecast([3.0, 4.0, 5.0, 4.0], "quarter", 2)
    assert (f.method, f.reason, f.model) == (SNAIVE, "too_short", None)
    assert f.values == (3.0, 4.0)  # the same quarter one year earlier


def test_rates_stay_within_zero_and_one():
    y = [0.02, 0.01, 0.03, 0.0, 0.01, 0.02, 0.0, 0.01, 0.02, 0.01]
    f = forecast(y, "quarter", 4, bounds=(0.0, 1.0))
    assert all(0.0 <= v <= 1.0 for v in (*f.values, *f.lower, *f.upper))


def test_interval_covers_about_80_percent_out_of_sample():
    y = seasonal(60, seed=7, noise=4.0)
    hits = []
    for cut in range(36, 60):
        f = forecast(y[:cut], "month", 1, origins=1)
        hits.append(f.lower[0] <= y[cut] <= f.upper[0])
    assert 0.6 <= np.mean(hits) <= 0.97


def test_the_fit_uses_only_the_given_values():
    y = seasonal(48)
    assert forecast(y[:40], "month", 3).values == forecast(list(y[:40]), "month", 3).values
    assert forecast(y[:40], "month", 3).values != forecast(y, "month", 3).values


def test_horizon_outside_one_to_twelve_is_refused():
    with pytest.raises(ValueError, match="horizon 13"):
        forecast(seasonal(30), "month", 13)


def test_periods_until_red():
    assert periods_until_red([0.5, 0.4, 0.2], red=0.3) == 3
    assert periods_until_red([0.5, 0.4], red=0.3) is None
    assert periods_until_red([10, 30], red=20, higher_is_better=False) == 2
