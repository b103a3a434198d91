"""The KPI result table: assembling one KPI's rows from its parts, ordering, and explaining a row.

Shared by the DuckDB engine and the pandas reference, so both return exactly the same shape:
``kpi``, each ``by`` field, ``period`` (when asked), ``value``, ``numerator``, ``denominator``
(NaN where the KPI is not a ratio), then any other parts.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from core import formatting
from core.values import as_float
from kpis.definitions import ADDITIVE, KpiDefinition, Unit
from kpis.formulas import evaluate

BASE_COLUMNS = ("value", "numerator", "denominator")


def assemble(kpi: KpiDefinition, frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """One KPI's rows: ``frame`` holds the key columns and one column per part (named as the part)."""
    parts = {}
    for part in kpi.parts:
        col = frame[part.name].astype("float64") if part.name in frame else pd.Series(np.nan, index=frame.index)
        if part.agg in ADDITIVE or part.per or part.active:
            col = col.fillna(0.0)  # nothing counted is 0, not unknown
        parts[part.name] = col
    out = pd.DataFrame({"kpi": kpi.id}, index=frame.index)
    for key in keys:
        out[key] = frame[key] if key in frame else pd.NA
    out["value"] = evaluate(kpi.formula, parts) if len(frame) else pd.Series(dtype="float64")
    for name in ("numerator", "denominator"):
        out[name] = parts[name] if kpi.is_ratio else np.nan
    for name, col in parts.items():
        if name not in BASE_COLUMNS:
            out[name] = col
    return out


def external_rows(kpi: KpiDefinition, keys: Sequence[str], external: Mapping[str, float] | None) -> pd.DataFrame:
    """A KPI whose value the caller supplies (data quality, maturity index): one row, no slices."""
    value = (external or {}).get(kpi.id, math.nan)
    out = pd.DataFrame({"kpi": [kpi.id]})
    for key in keys:
        out[key] = pd.NA
    out["value"] = float(value) if value is not None else math.nan
    out["numerator"] = out["denominator"] = np.nan
    return out


def arrange(frames: list[pd.DataFrame], order: Sequence[str], keys: Sequence[str]) -> pd.DataFrame:
    """Concatenate per-KPI rows, give every column its dtype, sort by KPI (catalogue order) and keys."""
    frames = [f for f in frames if len(f)]
    columns = ["kpi", *keys, *BASE_COLUMNS]
    if not frames:
        out = pd.DataFrame({c: pd.Series(dtype="string" if c in ("kpi", *keys) else "float64") for c in columns})
        return out
    out = pd.concat(frames, ignore_index=True)
    extra = [c for c in out.columns if c not in columns]
    out = out[columns + extra]
    for c in ("kpi", *keys):
        out[c] = out[c].astype("string")
    for c in (*BASE_COLUMNS, *extra):
        out[c] = out[c].astype("float64")
    rank = {k: i for i, k in enumerate(order)}
    out["_rank"] = out["kpi"].map(rank).astype("int64")
    out = out.sort_values(["_rank", *keys], na_position="last", kind="stable").drop(columns="_rank")
    return out.reset_index(drop=True)


def explain(kpi: KpiDefinition, row: Mapping[str, object], lang: str = "de") -> str:
    """How a value came about: ``5.289 von 45.211 Kontakten haben reagiert`` (de) / ``5,289 of 45,211 ...``."""
    value = formatting.by_unit(as_float(row.get("value")), kpi.unit.value, lang)
    if kpi.explain is None:
        return f"{kpi.name.get(lang)}: {value}"
    fields = {"value": value}
    for part in kpi.parts:
        raw = as_float(row.get(part.name))
        money = kpi.unit is Unit.CURRENCY and part.name == "numerator"
        fields[part.name] = formatting.number(raw, lang, 2 if money else 0)
    return kpi.explain.get(lang).format(**fields)

