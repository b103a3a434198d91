"""What a view asks of the data: period granularity and labels, and slice filters.

Shared by the KPI engine, the lifecycle views, the scorecard and the UI, so that a filter set
in one place means the same everywhere. Period labels: ``2024`` (year), ``2024-Q1`` (quarter),
``2024-03`` (month).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from core.errors import InputError


class Granularity(str, Enum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_PATTERNS = {
    Granularity.YEAR: re.compile(r"^(\d{4})$"),
    Granularity.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    Granularity.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: [start, end) with its label."""

    start: date
    end: date
    granularity: Granularity
    label: str

    @classmethod
    def parse(cls, label: str) -> "Period":
        label = str(label).strip()
        for gran, pattern in _PATTERNS.items():
            m = pattern.match(label)
            if not m:
                continue
            year = int(m.group(1))
            if gran is Granularity.YEAR:
                return cls(date(year, 1, 1), date(year + 1, 1, 1), gran, label)
            if gran is Granularity.QUARTER:
                q = int(m.group(2))
                start = date(year, 3 * q - 2, 1)
                end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
                return cls(start, end, gran, label)
            month = int(m.group(2))
            end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            return cls(date(year, month, 1), end, gran, label)
        raise InputError(f"{label!r} is not a period", hint="use 2024, 2024-Q1 or 2024-03", key="period.not_a_period",
                         values={"period": label}, hint_key="period.not_a_period_hint")

    @classmethod
    def containing(cls, day: date, granularity: Granularity) -> "Period":
        if granularity is Granularity.YEAR:
            return cls.parse(f"{day.year}")
        if granularity is Granularity.QUARTER:
            return cls.parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
        return cls.parse(f"{day.year}-{day.month:02d}")

    def previous(self) -> "Period":
        if self.granularity is Granularity.YEAR:
            return Period.parse(str(self.start.year - 1))
        if self.granularity is Granularity.QUARTER:
            q = (self.start.month - 1) // 3 + 1
            return Period.parse(f"{self.start.year - 1}-Q4" if q == 1 else f"{self.start.year}-Q{q - 1}")
        m, y = self.start.month - 1, self.start.year
        return Period.parse(f"{y - 1}-12" if m == 0 else f"{y}-{m:02d}")

    def shift(self, n: int) -> "Period":
        p = self
        for _ in range(abs(n)):
            p = p.previous() if n < 0 else p.next()
        return p

    def next(self) -> "Period":
        return Period.containing(self.end, self.granularity)


def period_sql(column: str, granularity: Granularity | str) -> str:
    """DuckDB SQL that turns a timestamp column into the period label (matches Period.parse)."""
    g = Granularity(granularity)
    if g is Granularity.YEAR:
        return f"strftime({column}, '%Y')"
    if g is Granularity.QUARTER:
        return f"(strftime({column}, '%Y') || '-Q' || CAST(quarter({column}) AS VARCHAR))"
    return f"strftime({column}, '%Y-%m')"


@dataclass(frozen=True)
class Filters:
    """Slice filters. Empty tuples mean "all". Dates are inclusive start, exclusive end."""

    start: date | None = None
    end: date | None = None
    dimensions: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, start: date | None = None, end: date | None = None, **dims: list[str] | tuple[str, ...] | None) -> "Filters":
        pairs = tuple(sorted((k, tuple(sorted(str(x) for x in v))) for k, v in dims.items() if v))
        return cls(start, end, pairs)

    def values(self, dimension: str) -> tuple[str, ...]:
        return dict(self.dimensions).get(dimension, ())

    @property
    def empty(self) -> bool:
        return self.start is None and self.end is None and not self.dimensions
