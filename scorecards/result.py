"""What ``scorecards.evaluation.evaluate`` returns: frozen results per KPI, objective, perspective.

``ScorecardResult.to_dict()`` is plain JSON (NaN becomes null): it is what the command line
prints and what a snapshot freezes. ``to_frame()`` is one row per KPI for tables and Excel.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from core.i18n import Text
from scorecards.rules import Status, Trend


def _num(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _text(value: Text | None) -> dict | None:
    return None if value is None else {"de": value.de, "en": value.en}


@dataclass(frozen=True)
class KpiResult:
    kpi: str
    objective: str
    perspective: str
    source: str                      # engine | manual
    direction: str                   # higher_is_better | lower_is_better
    weight: float
    actual: float | None
    target: float
    baseline: float | None
    green: float                     # the thresholds used
    amber: float
    achievement: float | None
    status: Status
    previous: float | None
    trend: Trend
    history: tuple[tuple[str, float | None], ...]  # (period, value), oldest first, ending at the period
    numerator: float | None = None
    denominator: float | None = None
    name: Text | None = None         # the scorecard's or manual KPI's name; None: use the catalogue's
    unit: str | None = None          # known for manual KPIs; the catalogue has the rest

    def to_dict(self) -> dict:
        return {"kpi": self.kpi, "name": _text(self.name), "unit": self.unit, "objective": self.objective,
                "perspective": self.perspective, "source": self.source, "direction": self.direction,
                "weight": self.weight, "actual": _num(self.actual), "target": _num(self.target),
                "baseline": _num(self.baseline), "thresholds": {"green": self.green, "amber": self.amber},
                "achievement": _num(self.achievement), "status": self.status.value,
                "previous": _num(self.previous), "trend": self.trend.movement.value,
                "trend_verdict": self.trend.verdict.value,
                "history": [[p, _num(v)] for p, v in self.history],
                "numerator": _num(self.numerator), "denominator": _num(self.denominator)}


@dataclass(frozen=True)
class ObjectiveResult:
    id: str
    name: Text
    perspective: str
    weight: float
    score: float | None              # weighted mean of the achievements of its KPIs with data
    status: Status
    causes: tuple[str, ...]
    kpis_with_data: int
    kpis_total: int

    def to_dict(self) -> dict:
        return {"id": self.id, "name": _text(self.name), "perspective": self.perspective, "weight": self.weight,
                "score": _num(self.score), "status": self.status.value, "causes": list(self.causes),
                "kpis_with_data": self.kpis_with_data, "kpis_total": self.kpis_total}


@dataclass(frozen=True)
class PerspectiveResult:
    id: str
    name: Text
    weight: float
    score: float | None              # weighted mean of the scores of its objectives with data
    status: Status

    def to_dict(self) -> dict:
        return {"id": self.id, "name": _text(self.name), "weight": self.weight, "score": _num(self.score),
                "status": self.status.value}


@dataclass(frozen=True)
class ScorecardResult:
    scorecard_id: str
    name: Text
    period: str
    granularity: str
    periods: tuple[str, ...]         # the history periods, oldest first, ending at ``period``
    score: float | None              # overall: weighted mean of the perspective scores
    status: Status
    perspectives: tuple[PerspectiveResult, ...]
    objectives: tuple[ObjectiveResult, ...]
    kpis: tuple[KpiResult, ...]

    def kpi(self, kpi_id: str) -> KpiResult:
        return next(k for k in self.kpis if k.kpi == kpi_id)

    def objective(self, objective_id: str) -> ObjectiveResult:
        return next(o for o in self.objectives if o.id == objective_id)

    def perspective(self, perspective_id: str) -> PerspectiveResult:
        return next(p for p in self.perspectives if p.id == perspective_id)

    def to_dict(self) -> dict:
        return {"scorecard": self.scorecard_id, "name": _text(self.name), "period": self.period,
                "granularity": self.granularity, "periods": list(self.periods), "score": _num(self.score),
                "status": self.status.value, "perspectives": [p.to_dict() for p in self.perspectives],
                "objectives": [o.to_dict() for o in self.objectives], "kpis": [k.to_dict() for k in self.kpis]}

    def to_frame(self) -> pd.DataFrame:
        """One row per KPI: kpi, objective, perspective, actual, target, baseline, achievement, status,
        previous, trend, trend_verdict, numerator, denominator, weight, direction, source."""
        columns = ["kpi", "objective", "perspective", "actual", "target", "baseline", "green", "amber",
                   "achievement", "status", "previous", "trend", "trend_verdict", "numerator", "denominator",
                   "weight", "direction", "source"]
        rows = [{"kpi": k.kpi, "objective": k.objective, "perspective": k.perspective, "actual": k.actual,
                 "target": k.target, "baseline": k.baseline, "green": k.green, "amber": k.amber,
                 "achievement": k.achievement, "status": k.status.value, "previous": k.previous,
                 "trend": k.trend.movement.value, "trend_verdict": k.trend.verdict.value,
                 "numerator": k.numerator, "denominator": k.denominator, "weight": k.weight,
                 "direction": k.direction, "source": k.source} for k in self.kpis]
        frame = pd.DataFrame(rows, columns=columns)
        floats = ["actual", "target", "baseline", "green", "amber", "achievement", "previous", "numerator",
                  "denominator", "weight"]
        frame[floats] = frame[floats].astype("float64")
        return frame
