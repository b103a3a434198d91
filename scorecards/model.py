"""The balanced scorecard as frozen data: perspectives, objectives, KPIs with targets and thresholds.

A scorecard is read from YAML by ``scorecards.loader`` (schema: ``docs/scorecards.md``); this
module only holds the shapes and the look-ups. KPI ids are plain strings: the KPI engine's
catalogue ids, or manual KPIs the scorecard declares itself (values typed in per period).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from core.i18n import Text
from core.query import Granularity

STANDARD_PERSPECTIVES = ("financial", "customer", "internal_process", "learning_growth")


class Direction(str, Enum):
    """Which way is better for a KPI."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"

    @property
    def higher(self) -> bool:
        return self is Direction.HIGHER_IS_BETTER


class Source(str, Enum):
    """Where a KPI's values come from: the KPI engine, or typed in per period."""

    ENGINE = "engine"
    MANUAL = "manual"


class KpiKind(str, Enum):
    """What supplies a scorecard KPI's value: the KPI engine (a catalogue formula), the caller (a
    catalogue KPI of ``kind: external``: data completeness, maturity index), or a person per period."""

    COMPUTED = "computed"
    EXTERNAL = "external"
    MANUAL = "manual"


@dataclass(frozen=True)
class KpiInfo:
    """A scorecard KPI resolved to its full definition (the card's name wins over the catalogue's)."""

    id: str
    name: Text
    unit: str
    kind: KpiKind
    stages: tuple[str, ...]
    direction: Direction


@dataclass(frozen=True)
class Thresholds:
    """Traffic-light limits in the KPI's own unit (not in percent of target).

    higher_is_better: green when actual >= green, amber when actual >= amber, else red (green >= amber).
    lower_is_better:  green when actual <= green, amber when actual <= amber, else red (green <= amber).
    """

    green: float
    amber: float

    @classmethod
    def from_target(cls, target: float, direction: Direction, tolerance: float = 0.1) -> "Thresholds":
        """The default when a KPI declares none: green at the target, amber within 10 % of |target|."""
        step = abs(target) * tolerance
        return cls(target, target - step) if direction.higher else cls(target, target + step)

    def consistent(self, direction: Direction) -> bool:
        return self.green >= self.amber if direction.higher else self.green <= self.amber


@dataclass(frozen=True)
class ManualKpi:
    """A KPI no export holds (training hours): declared in the scorecard, entered by hand per period."""

    id: str
    name: Text
    unit: str
    direction: Direction
    description: Text = Text("", "")


@dataclass(frozen=True)
class ScorecardKpi:
    kpi: str
    target: float
    direction: Direction
    thresholds: Thresholds
    weight: float = 1.0
    baseline: float | None = None
    source: Source = Source.ENGINE
    name: Text | None = None          # the card's own name, else the catalogue's (None: unknown KPI)
    thresholds_declared: bool = True  # False: derived from the target (to_yaml leaves them out)
    direction_declared: bool = True   # False: taken from the catalogue (to_yaml leaves it out)
    name_declared: bool = False       # True: the card names the KPI itself (to_yaml writes it)
    unit: str = "score"               # resolved by the loader: the catalogue's or the manual KPI's unit
    kind: KpiKind = KpiKind.COMPUTED
    stages: tuple[str, ...] = ()      # lifecycle stages of the catalogue KPI (kpis.definitions.Stage values)

    @property
    def info(self) -> KpiInfo:
        return KpiInfo(self.kpi, self.name or Text(self.kpi, self.kpi), self.unit, self.kind, self.stages,
                       self.direction)


@dataclass(frozen=True)
class Objective:
    id: str
    name: Text
    perspective: str
    kpis: tuple[ScorecardKpi, ...]
    weight: float = 1.0
    causes: tuple[str, ...] = ()      # ids of the objectives this one drives (strategy-map arrows)
    description: Text = Text("", "")


@dataclass(frozen=True)
class Perspective:
    id: str
    name: Text
    weight: float = 1.0


@dataclass(frozen=True)
class RollupThresholds:
    """Traffic light of a roll-up score (objective, perspective, overall; a score is in [0, 1])."""

    green: float = 0.9
    amber: float = 0.6


@dataclass(frozen=True)
class Scorecard:
    id: str
    name: Text
    granularity: Granularity
    perspectives: tuple[Perspective, ...]
    objectives: tuple[Objective, ...]
    manual_kpis: tuple[ManualKpi, ...] = ()
    rollup: RollupThresholds = RollupThresholds()
    description: Text = Text("", "")
    source: str = ""

    @property
    def kpis(self) -> tuple[ScorecardKpi, ...]:
        return tuple(k for o in self.objectives for k in o.kpis)

    @property
    def kpi_ids(self) -> tuple[str, ...]:
        return tuple(k.kpi for k in self.kpis)

    @property
    def engine_kpi_ids(self) -> tuple[str, ...]:
        """The catalogue KPIs, what ``kpis.engine.compute`` takes (computed, and external ones whose
        values it is given): every KPI but the manual ones."""
        return tuple(k.kpi for k in self.kpis if k.kind is not KpiKind.MANUAL)

    @property
    def computed_kpi_ids(self) -> tuple[str, ...]:
        """The KPIs the engine computes from the data (catalogue formulas; not external, not manual)."""
        return tuple(k.kpi for k in self.kpis if k.kind is KpiKind.COMPUTED)

    @property
    def external_kpi_ids(self) -> tuple[str, ...]:
        """The catalogue KPIs whose value the caller supplies (data completeness, maturity index)."""
        return tuple(k.kpi for k in self.kpis if k.kind is KpiKind.EXTERNAL)

    def kpi_info(self, kpi_id: str) -> KpiInfo:
        """Name, unit, kind, stages and direction of a KPI of this card (KeyError when it has none)."""
        for k in self.kpis:
            if k.kpi == kpi_id:
                return k.info
        manual = self.manual_kpi(kpi_id)
        if manual is None:
            raise KeyError(kpi_id)
        return KpiInfo(manual.id, manual.name, manual.unit, KpiKind.MANUAL, (), manual.direction)

    def objective(self, objective_id: str) -> Objective:
        for o in self.objectives:
            if o.id == objective_id:
                return o
        raise KeyError(objective_id)

    def perspective(self, perspective_id: str) -> Perspective:
        for p in self.perspectives:
            if p.id == perspective_id:
                return p
        raise KeyError(perspective_id)

    def objectives_of(self, perspective_id: str) -> tuple[Objective, ...]:
        return tuple(o for o in self.objectives if o.perspective == perspective_id)

    def manual_kpi(self, kpi_id: str) -> ManualKpi | None:
        return next((m for m in self.manual_kpis if m.id == kpi_id), None)
