"""The scorecard rules on worked examples (cases/*.yaml) and as properties (hypothesis)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecards.model import Direction, RollupThresholds, Thresholds
from scorecards.rules import (Movement, Status, Verdict, achievement, achievements, rollup_status, traffic_light,
                              traffic_lights, trend)

CASES = Path(__file__).parent / "cases"


def _cases(name: str) -> list[dict]:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


def _ids(cases: list[dict]) -> list[str]:
    return [c["name"] for c in cases]


ACHIEVEMENT = _cases("achievement.yaml")
LIGHTS = _cases("traffic_light.yaml")
TRENDS = _cases("trend.yaml")


@pytest.mark.parametrize("case", ACHIEVEMENT, ids=_ids(ACHIEVEMENT))
def test_achievement(case):
    got = achievement(case["actual"], case["target"], case["baseline"], Direction(case["direction"]))
    if case["expected"] is None:
        assert got is None
    else:
        assert got == pytest.approx(case["expected"], abs=1e-9)


@pytest.mark.parametrize("case", LIGHTS, ids=_ids(LIGHTS))
def test_traffic_light(case):
    th = None if case["green"] is None else Thresholds(case["green"], case["amber"])
    assert traffic_light(case["actual"], case["target"], th, Direction(case["direction"])) is Status(case["expected"])


@pytest.mark.parametrize("case", TRENDS, ids=_ids(TRENDS))
def test_trend(case):
    got = trend(case["actual"], case["previous"], Direction(case["direction"]))
    assert (got.movement, got.verdict) == (Movement(case["movement"]), Verdict(case["verdict"]))


def test_trend_label():
    assert trend(0.06, 0.07, Direction.LOWER_IS_BETTER).label == "down/better"
    assert trend(1.0, 1.0, Direction.LOWER_IS_BETTER).label == "flat"
    assert trend(None, 1.0, Direction.LOWER_IS_BETTER).label == "none"


def test_vectorised_rules_agree_with_the_cases():
    a = [c["actual"] if c["actual"] is not None else np.nan for c in ACHIEVEMENT]
    got = achievements(a, [c["target"] for c in ACHIEVEMENT],
                       [np.nan if c["baseline"] is None else c["baseline"] for c in ACHIEVEMENT],
                       [c["direction"] == "higher_is_better" for c in ACHIEVEMENT])
    want = np.array([np.nan if c["expected"] is None else c["expected"] for c in ACHIEVEMENT], dtype=float)
    np.testing.assert_allclose(got, want, atol=1e-9)
    explicit = [c for c in LIGHTS if c["green"] is not None]
    lights = traffic_lights([np.nan if c["actual"] is None else c["actual"] for c in explicit],
                            [c["green"] for c in explicit], [c["amber"] for c in explicit],
                            [c["direction"] == "higher_is_better" for c in explicit])
    assert list(lights) == [c["expected"] for c in explicit]


@pytest.mark.parametrize("score,expected", [(None, "grey"), (float("nan"), "grey"), (0.95, "green"), (0.9, "green"),
                                            (0.89, "amber"), (0.6, "amber"), (0.59, "red"), (0.0, "red")])
def test_rollup_status(score, expected):
    assert rollup_status(score, RollupThresholds(0.9, 0.6)) is Status(expected)


def test_default_thresholds_from_target():
    assert Thresholds.from_target(48, Direction.LOWER_IS_BETTER) == Thresholds(48, pytest.approx(52.8))
    assert Thresholds.from_target(-10, Direction.HIGHER_IS_BETTER) == Thresholds(-10, -11)


# --- properties ---------------------------------------------------------------------------------

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
directions = st.sampled_from(list(Direction))
RANK = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2}


@settings(max_examples=300, deadline=None)
@given(actual=finite, target=finite, baseline=st.one_of(st.none(), finite), direction=directions)
def test_achievement_stays_in_unit_interval(actual, target, baseline, direction):
    got = achievement(actual, target, baseline, direction)
    if baseline is not None and baseline == target:
        assert got is None
    else:
        assert got is not None and 0.0 <= got <= 1.0


def _better(a: float, b: float, direction: Direction) -> tuple[float, float]:
    """(worse, better) of two actuals for the direction."""
    lo, hi = sorted((a, b))
    return (lo, hi) if direction.higher else (hi, lo)


@settings(max_examples=300, deadline=None)
@given(a=finite, b=finite, target=finite, step=st.floats(0, 1e6), direction=directions)
def test_better_actual_never_gives_a_worse_light(a, b, target, step, direction):
    th = Thresholds.from_target(target, direction)
    th = Thresholds(th.green, th.green - step) if direction.higher else Thresholds(th.green, th.green + step)
    worse, better = _better(a, b, direction)
    assert RANK[traffic_light(better, target, th, direction)] >= RANK[traffic_light(worse, target, th, direction)]


@settings(max_examples=300, deadline=None)
@given(a=finite, b=finite, target=finite, baseline=st.one_of(st.none(), finite), direction=directions)
def test_better_actual_never_gives_a_lower_achievement(a, b, target, baseline, direction):
    if baseline is not None and (baseline == target or (baseline > target) == direction.higher):
        return  # the loader refuses a baseline on the wrong side of the target
    worse, better = _better(a, b, direction)
    low, high = achievement(worse, target, baseline, direction), achievement(better, target, baseline, direction)
    assert high >= low - 1e-12 or math.isclose(high, low)
