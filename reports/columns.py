"""Column specs for report tables: label (de/en), kind, width; and the Excel number formats per kind.

Number formats are locale-independent codes; Excel shows ``0.0%`` as ``12,3 %`` and
``#,##0.00 [$€-407]`` as ``1.234,56 €`` on a German system by itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Mapping

import pandas as pd

from core.i18n import Text, keys, t


class Kind(str, Enum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    FACTOR = "factor"  # two decimals: an error ratio (MASE 0.62)
    PERCENT = "percent"
    CURRENCY = "currency"
    DAYS = "days"
    HOURS = "hours"
    DATE = "date"
    STATUS = "status"


class ChartKind(str, Enum):
    COLUMN = "column"
    BAR = "bar"
    LINE = "line"
    RADAR = "radar"


NUMERIC_KINDS = frozenset({Kind.INTEGER, Kind.NUMBER, Kind.FACTOR, Kind.PERCENT, Kind.CURRENCY, Kind.DAYS, Kind.HOURS})
STATUSES = ("green", "amber", "red", "grey")
STATUS_COLOURS = {"green": ("#C6EFCE", "#006100"), "amber": ("#FFEB9C", "#9C5700"),
                  "red": ("#FFC7CE", "#9C0006"), "grey": ("#D9D9D9", "#404040")}
# KPI units (config/kpis.yaml) -> column kind
UNIT_KINDS = {"ratio": Kind.PERCENT, "currency": Kind.CURRENCY, "days": Kind.DAYS, "hours": Kind.HOURS,
              "count": Kind.INTEGER, "score": Kind.NUMBER, "percent_points": Kind.NUMBER}


@dataclass(frozen=True)
class Column:
    """One table column: ``field`` in the frame, ``label`` (an i18n key, a Text, or literal text).

    ``unit_field`` names a frame column holding a KPI unit per row (``ratio``, ``currency`` ...):
    the cells then take the format of that unit row by row (scorecards mix units in one column).
    """

    field: str
    label: str | Text = ""
    kind: Kind = Kind.TEXT
    width: float | None = None
    unit_field: str | None = None

    def title(self, lang: str) -> str:
        if isinstance(self.label, Text):
            return self.label.get(lang)
        if self.label and self.label in keys():
            return t(self.label, lang)
        return self.label or self.field


def number_format(kind: Kind, lang: str) -> str | None:
    """The Excel number format code of a kind (``None`` for text)."""
    days = ('"Tage"', '"days"')[lang == "en"]
    hours = ('"Std."', '"h"')[lang == "en"]
    return {
        Kind.INTEGER: "#,##0",
        Kind.NUMBER: "#,##0.0",
        Kind.FACTOR: "0.00",
        Kind.PERCENT: "0.0%",
        Kind.CURRENCY: "#,##0.00 [$€-407]" if lang != "en" else "[$€-1809]#,##0.00",
        Kind.DAYS: f"#,##0.0 {days}",
        Kind.HOURS: f"#,##0.0 {hours}",
        Kind.DATE: "dd.mm.yyyy" if lang != "en" else "yyyy-mm-dd",
    }.get(kind)


def infer_kind(series: pd.Series) -> Kind:
    if pd.api.types.is_bool_dtype(series):
        return Kind.TEXT
    if pd.api.types.is_datetime64_any_dtype(series):
        return Kind.DATE
    if pd.api.types.is_integer_dtype(series):
        return Kind.INTEGER
    if pd.api.types.is_numeric_dtype(series):
        return Kind.NUMBER
    return Kind.TEXT


def resolve(frame: pd.DataFrame, columns: tuple[Column, ...] | None = None,
            kinds: Mapping[str, Kind | str] | None = None,
            labels: Mapping[str, str | Text] | None = None) -> tuple[Column, ...]:
    """The columns to write: the declared ones present in ``frame``, or all of the frame's inferred.

    ``kinds``/``labels`` override the inferred kind/label of a field.
    """
    kinds = kinds or {}
    labels = labels or {}
    if columns is not None:
        return tuple(c for c in columns if c.field in frame.columns)
    out = []
    for name in frame.columns:
        kind = Kind(kinds[name]) if name in kinds else infer_kind(frame[name])
        out.append(Column(str(name), labels.get(name, str(name)), kind))
    return tuple(out)


def status_label(status: str, lang: str) -> str:
    """The shown text of a traffic light value; unknown values pass through."""
    return t(f"report.status.{status}", lang) if status in STATUSES else status


def unique_labels(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        label = label or "-"
        n = seen.get(label.lower(), 0)
        seen[label.lower()] = n + 1
        out.append(label if n == 0 else f"{label} ({n + 1})")
    return out


def auto_width(label: str, values: list[Any], kind: Kind) -> float:
    if kind in NUMERIC_KINDS or kind == Kind.DATE:
        return max(12.0, len(label) * 1.1 + 2)
    sample = [len(str(v)) for v in values[:200] if v is not None]
    return float(min(60, max(10, len(label) * 1.1 + 2, (max(sample) + 2) if sample else 0)))
