"""What a KPI definition holds: frozen dataclasses and the closed vocabularies (enums).

The computation is data: named ``parts`` (aggregates over filtered rows) and a ``formula`` over
the part names. Ratio KPIs name their parts ``numerator`` and ``denominator``.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from core.i18n import Text


class Unit(str, Enum):
    RATIO = "ratio"
    CURRENCY = "currency"
    COUNT = "count"
    DAYS = "days"
    HOURS = "hours"
    SCORE = "score"


class Direction(str, Enum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Stage(str, Enum):
    SELECTION = "selection"
    ACQUISITION = "acquisition"
    RETENTION = "retention"
    DEVELOPMENT = "development"
    ALL = "all"


class Perspective(str, Enum):
    FINANCIAL = "financial"
    CUSTOMER = "customer"
    INTERNAL_PROCESS = "internal_process"
    LEARNING_GROWTH = "learning_growth"


class Kind(str, Enum):
    COMPUTED = "computed"
    EXTERNAL = "external"  # the caller supplies the value (data quality summary, latest assessment)


class Agg(str, Enum):
    COUNT = "count"
    COUNT_DISTINCT = "count_distinct"
    SUM = "sum"
    MEAN = "mean"
    MEDIAN = "median"
    MIN = "min"
    MAX = "max"


ADDITIVE = (Agg.COUNT, Agg.COUNT_DISTINCT, Agg.SUM)  # nothing to add up gives 0, not NaN
COMPARISONS = ("gte", "gt", "lte", "lt")


@dataclass(frozen=True)
class Condition:
    """``field op value``; op is eq, in (value a tuple), gte, gt, lte, lt, or is_null (value a bool)."""

    field: str
    op: str
    value: object


@dataclass(frozen=True)
class Duration:
    """``to - from`` of two date fields, in days or hours (fractional)."""

    start: str
    end: str
    unit: str  # days | hours


@dataclass(frozen=True)
class Exists:
    """The row's ``key`` has a row in ``entity`` whose ``field`` is later than this row's ``than``."""

    entity: str
    key: str
    field: str
    than: str


@dataclass(frozen=True)
class ActiveSpan:
    """Rows active at a period's start T: (``start`` empty or < T) and (``end`` empty or >= T)."""

    start: str
    end: str


@dataclass(frozen=True)
class Part:
    """One named aggregate. With ``per`` it counts the keys whose aggregate meets ``having``."""

    name: str
    agg: Agg
    field: str | None = None
    duration: Duration | None = None
    where: tuple[Condition, ...] = ()
    per: str | None = None
    having: tuple[tuple[str, float], ...] = ()
    exists: Exists | None = None
    active: ActiveSpan | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """Columns of the KPI's own entity this part reads."""
        out = [c.field for c in self.where]
        out += [f for f in (self.field, self.per) if f]
        if self.duration:
            out += [self.duration.start, self.duration.end]
        if self.exists:
            out += [self.exists.key, self.exists.than]
        if self.active:
            out += [self.active.start, self.active.end]
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class KpiDefinition:
    id: str
    name: Text
    description: Text
    unit: Unit
    direction: Direction
    stages: tuple[Stage, ...]
    perspective: Perspective
    kind: Kind = Kind.COMPUTED
    entity: str | None = None
    date_field: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()  # (name asked for, column of the entity)
    kept: tuple[str, ...] = ()  # kept source columns the parts may read
    parts: tuple[Part, ...] = ()
    formula: str = ""
    explain: Text | None = None

    @property
    def is_ratio(self) -> bool:
        names = {p.name for p in self.parts}
        return "numerator" in names and "denominator" in names

    @property
    def part_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parts)

    def dimension(self, name: str) -> str | None:
        """The entity column that answers ``--by name`` (``channel`` may be ``source_channel``)."""
        return dict(self.dimensions).get(name)
