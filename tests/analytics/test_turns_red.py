"""``turns_red`` (issue 11.2: "will turn red in 2 periods" is an alert kind too): an amber KPI whose
forecast (analytics.forecast, backtested) crosses the amber limit within the rules' horizon."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.alert_rules import Rules
from analytics.monitoring import turning_red
from core.query import Period
from scorecards.loader import parse_scorecard
from tests.analytics.synthetic import one_kpi_card

CARD = one_kpi_card("quarter", green="%s", amber="0.15")


def quarters(values) -> pd.DataFrame:
    start = Period.parse("2023-Q1")
    return pd.DataFrame({"kpi": "campaign_response_rate", "dim": "overall", "member": "overall",
                         "period": [start.shift(i).label for i in range(len(values))], "value": values})


FALLING = 0.45 - 0.025 * np.arange(12) + np.random.default_rng(3).normal(0, 0.002, 12)  # last: about 0.175


def test_a_falling_amber_kpi_is_forecast_to_turn_red():
    found = turning_red(quarters(FALLING), parse_scorecard(CARD % 0.25), Rules(forecast_periods=2), "2025-Q4")
    assert [(a.kpi, a.kind, a.slice) for a in found] == [("campaign_response_rate", "turns_red", {})]
    alert = found[0]
    assert alert.ahead in (1, 2) and alert.period == Period.parse("2025-Q4").shift(alert.ahead).label
    assert alert.value < 0.15 and alert.lower <= alert.value <= alert.upper
    assert "wird voraussichtlich in" in alert.sentence("de") and "forecast to turn red" in alert.sentence("en")


@pytest.mark.parametrize("why, values, green, rules", [
    ("steady amber", np.full(12, 0.2) + np.random.default_rng(4).normal(0, 0.002, 12), 0.25, Rules()),
    ("green now: it passes amber first", FALLING, 0.17, Rules()),
    ("switched off", FALLING, 0.25, Rules(forecast_periods=0)),
    ("too little history", FALLING[-4:], 0.25, Rules(min_history=6)),
])
def test_no_turns_red(why, values, green, rules):
    frame = quarters(values)
    assert turning_red(frame, parse_scorecard(CARD % green), rules, frame["period"].iloc[-1]) == []
