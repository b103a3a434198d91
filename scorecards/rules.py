"""The scorecard rules as pure functions: achievement, traffic light, trend (docs/scorecards.md).

Each rule exists twice: a scalar function for one KPI (``achievement``, ``traffic_light``,
``trend``), which is what the worked-example tests read, and a vectorised one over numpy arrays
(``achievements``, ``traffic_lights``, ``trends``) that ``evaluate`` uses for every KPI at once.
The scalar functions call the vectorised ones, so both always agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np

from scorecards.model import Direction, RollupThresholds, Thresholds


class Status(str, Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"  # no data: never green


class Movement(str, Enum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"
    NONE = "none"  # no previous or no current value


class Verdict(str, Enum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Trend:
    movement: Movement
    verdict: Verdict

    @property
    def label(self) -> str:
        """``up/better``, ``down/worse``, ``flat``, ``none``."""
        if self.movement in (Movement.FLAT, Movement.NONE):
            return self.movement.value
        return f"{self.movement.value}/{self.verdict.value}"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _arr(values) -> np.ndarray:
    return np.asarray(values, dtype="float64")


def achievements(actual, target, baseline, higher) -> np.ndarray:
    """Vectorised ``achievement``: arrays in, float array out (NaN where there is no achievement)."""
    a, t, b, h = _arr(actual), _arr(target), _arr(baseline), np.asarray(higher, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        with_baseline = (a - b) / (t - b)
        ratio_higher = np.where(t > 0, a / t, np.where(a >= t, 1.0, 0.0))
        ratio_lower = np.where(t > 0, np.where(a <= 0, 1.0, t / a), np.where(a <= t, 1.0, 0.0))
    raw = np.where(np.isnan(b), np.where(h, ratio_higher, ratio_lower), with_baseline)
    out = np.clip(raw, 0.0, 1.0)
    return np.where(np.isnan(a) | np.isnan(t) | (~np.isnan(b) & (t == b)), np.nan, out)


def achievement(actual: float | None, target: float, baseline: float | None, direction: Direction) -> float | None:
    """How far the KPI has come towards its target, in [0, 1]; None without an actual.

    With a baseline: (actual - baseline) / (target - baseline), the share of the way from where
    we started to the target (the same formula serves both directions, since a lower_is_better
    baseline lies above its target). Without a baseline: actual / target when higher is better,
    target / actual when lower is better (an actual <= 0 counts as fully achieved then); for a
    target <= 0 (an NPS of -10, say) the ratio means nothing, so it is 1 when the target is met
    and 0 otherwise. Always capped to [0, 1]: beating the target does not make up for another KPI.
    """
    if _missing(actual) or _missing(target):
        return None
    value = achievements([actual], [target], [math.nan if baseline is None else baseline],
                         [Direction(direction).higher])[0]
    return None if math.isnan(value) else float(value)


def traffic_lights(actual, green, amber, higher) -> np.ndarray:
    """Vectorised ``traffic_light`` on explicit thresholds: an array of status values (str)."""
    a, g, m, h = _arr(actual), _arr(green), _arr(amber), np.asarray(higher, dtype=bool)
    is_green = np.where(h, a >= g, a <= g)
    is_amber = np.where(h, a >= m, a <= m)
    return np.select([np.isnan(a), is_green, is_amber], [Status.GREY.value, Status.GREEN.value, Status.AMBER.value],
                     Status.RED.value)


def traffic_light(actual: float | None, target: float, thresholds: Thresholds | None,
                  direction: Direction) -> Status:
    """green | amber | red by the thresholds (in the KPI's unit); grey, never green, without data.

    higher_is_better: green if actual >= green, amber if actual >= amber, else red.
    lower_is_better: green if actual <= green, amber if actual <= amber, else red.
    Without thresholds they come from the target: green at the target, amber within 10 % of it.
    """
    direction = Direction(direction)
    if _missing(actual):
        return Status.GREY
    th = thresholds or Thresholds.from_target(target, direction)
    return Status(traffic_lights([actual], [th.green], [th.amber], [direction.higher])[0])


def rollup_status(score: float | None, thresholds: RollupThresholds = RollupThresholds()) -> Status:
    """The light of a roll-up score (objective, perspective, overall): grey when there is no score."""
    if _missing(score):
        return Status.GREY
    return Status.GREEN if score >= thresholds.green else Status.AMBER if score >= thresholds.amber else Status.RED


def trends(actual, previous, higher, tolerance: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``trend``: (movement values, verdict values) as str arrays."""
    a, p, h = _arr(actual), _arr(previous), np.asarray(higher, dtype=bool)
    delta = a - p
    none = np.isnan(delta)
    flat = ~none & (np.abs(delta) <= tolerance * np.abs(p))
    up = ~none & ~flat & (delta > 0)
    movement = np.select([none, flat, up], [Movement.NONE.value, Movement.FLAT.value, Movement.UP.value],
                         Movement.DOWN.value)
    better = up == h
    verdict = np.select([none, flat, better], [Verdict.UNKNOWN.value, Verdict.SAME.value, Verdict.BETTER.value],
                        Verdict.WORSE.value)
    return movement, verdict


def trend(actual: float | None, previous: float | None, direction: Direction, tolerance: float = 0.01) -> Trend:
    """Change against the previous period: up/down/flat, and whether that is better or worse.

    Flat when the change is at most ``tolerance`` (1 %) of the previous value; ``none`` when
    either value is missing. Up is better when higher is better, down is better when lower is.
    """
    nan = math.nan
    movement, verdict = trends([nan if _missing(actual) else actual], [nan if _missing(previous) else previous],
                               [Direction(direction).higher], tolerance)
    return Trend(Movement(movement[0]), Verdict(verdict[0]))
