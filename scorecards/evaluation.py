"""Evaluate a scorecard for one period: per KPI actual, achievement, light, trend, sparkline;
roll-up per objective, perspective and overall (docs/scorecards.md).

Inputs are plain frames: ``actuals`` from the KPI engine (columns kpi, period, value, optionally
numerator and denominator) and ``manual`` for hand-entered KPIs (kpi or kpi_id, period, value).
All KPIs are evaluated at once with the vectorised rules; no loop runs over data rows.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.errors import InputError
from core.i18n import Term
from core.query import Period
from scorecards.model import Scorecard, Source
from scorecards.result import KpiResult, ObjectiveResult, PerspectiveResult, ScorecardResult
from scorecards.rules import (Movement, Status, Trend, Verdict, achievement, achievements, rollup_status,
                              traffic_light, traffic_lights, trend, trends)

__all__ = ["achievement", "traffic_light", "trend", "rollup_status", "evaluate", "compare_snapshots", "Status",
           "Trend", "ScorecardResult"]

_VALUE_COLUMNS = ["kpi", "period", "value", "numerator", "denominator"]


def _values(frame: pd.DataFrame | None, kpis: list[str], periods: list[str], what: str, current: str) -> pd.DataFrame:
    """The rows of ``frame`` for ``kpis`` and ``periods``, in the five value columns; one row per key.

    A row without a period (an external value such as the maturity index of the latest assessment)
    counts for the ``current`` period, unless the KPI has a row for that period as well."""
    if frame is None or len(frame) == 0:
        return pd.DataFrame({c: pd.Series(dtype="string" if c in ("kpi", "period") else "float64")
                             for c in _VALUE_COLUMNS})
    if "kpi" not in frame.columns and "kpi_id" in frame.columns:
        frame = frame.rename(columns={"kpi_id": "kpi"})
    missing = [c for c in ("kpi", "period", "value") if c not in frame.columns]
    if missing:
        raise InputError(f"{what}: missing column(s) {missing}", hint="expected columns kpi, period, value",
                         key="values.missing_columns", hint_key="values.missing_columns_hint",
                         values={"what": what, "columns": ", ".join(missing)})
    out = pd.DataFrame({"kpi": frame["kpi"].astype("string"), "period": frame["period"].astype("string"),
                        "value": pd.to_numeric(frame["value"], errors="coerce").astype("float64")})
    for col in ("numerator", "denominator"):
        out[col] = (pd.to_numeric(frame[col], errors="coerce").astype("float64") if col in frame.columns
                    else np.nan)
    undated = out["period"].isna()
    dated_now = set(out.loc[(~undated & (out["period"] == current)).fillna(False), "kpi"])
    out.loc[undated, "period"] = current
    out = out[~(undated & out["kpi"].isin(dated_now))]
    out = out[out["kpi"].isin(kpis) & out["period"].isin(periods)]
    dupes = out[out.duplicated(["kpi", "period"], keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise InputError(f"{what}: {len(dupes)} rows share a KPI and period, e.g. {first['kpi']} {first['period']}",
                         hint="compute the KPIs without a breakdown (by=()) for the scorecard", key="values.duplicates",
                         hint_key="values.duplicates_hint",
                         values={"what": what, "count": len(dupes), "kpi": first["kpi"], "period": first["period"]})
    return out


def _definitions(card: Scorecard) -> pd.DataFrame:
    """One row per scorecard KPI, in scorecard order (small: a few dozen rows)."""
    pw = {p.id: p.weight for p in card.perspectives}
    rows = [{"kpi": k.kpi, "objective": o.id, "perspective": o.perspective, "target": k.target,
             "baseline": np.nan if k.baseline is None else k.baseline, "green": k.thresholds.green,
             "amber": k.thresholds.amber, "higher": k.direction.higher, "weight": k.weight,
             "objective_weight": o.weight, "perspective_weight": pw[o.perspective],
             "manual": k.source is Source.MANUAL}
            for o in card.objectives for k in o.kpis]
    return pd.DataFrame(rows)


def _weighted(frame: pd.DataFrame, by: str, score: str, weight: str) -> pd.DataFrame:
    """Per ``by``: weighted mean of ``score`` over the rows that have one (NaN when none has)."""
    has = frame[score].notna()
    parts = pd.DataFrame({by: frame[by], "num": (frame[score] * frame[weight]).where(has),
                          "den": frame[weight].where(has), "n": has.astype(int), "total": 1})
    sums = parts.groupby(by, sort=False).agg(num=("num", "sum"), den=("den", "sum"), n=("n", "sum"),
                                             total=("total", "sum"))
    sums["score"] = (sums["num"] / sums["den"]).where(sums["n"] > 0)
    return sums


def evaluate(card: Scorecard, actuals: pd.DataFrame | None, period: str, manual: pd.DataFrame | None = None,
             history_periods: int = 12) -> ScorecardResult:
    """The scorecard for ``period`` (a label of the scorecard's granularity, e.g. ``2024-Q1``)."""
    p = Period.parse(period)
    if p.granularity is not card.granularity:
        raise InputError(f"period {period!r} is a {p.granularity.value}, but scorecard {card.id!r} is set per "
                         f"{card.granularity.value}", hint="targets are per period: give a period of that kind",
                         key="period.wrong_kind", hint_key="period.wrong_kind_hint",
                         values={"period": period, "kind": Term(f"reporting.per.{p.granularity.value}"),
                                 "card": card.id, "card_kind": Term(f"reporting.per.{card.granularity.value}")})
    history = [p.shift(-i).label for i in range(max(history_periods, 1) - 1, -1, -1)]
    previous = p.previous().label
    labels = list(dict.fromkeys(history + [previous]))
    defs = _definitions(card)
    engine_ids = defs.loc[~defs["manual"], "kpi"].tolist()
    manual_ids = defs.loc[defs["manual"], "kpi"].tolist()
    values = pd.concat([_values(actuals, engine_ids, labels, "actuals", p.label),
                        _values(manual, manual_ids, labels, "manual values", p.label)], ignore_index=True)
    wide = (values.pivot(index="kpi", columns="period", values="value") if len(values)
            else pd.DataFrame(index=pd.Index([], name="kpi")))
    wide = wide.reindex(index=defs["kpi"], columns=labels).astype("float64")
    current = values[values["period"] == p.label].set_index("kpi").reindex(defs["kpi"])

    defs["actual"] = wide[p.label].to_numpy()
    defs["previous"] = wide[previous].to_numpy()
    defs["achievement"] = achievements(defs["actual"], defs["target"], defs["baseline"], defs["higher"])
    defs["status"] = traffic_lights(defs["actual"], defs["green"], defs["amber"], defs["higher"])
    movement, verdict = trends(defs["actual"], defs["previous"], defs["higher"])

    objectives = _weighted(defs, "objective", "achievement", "weight")
    obj_frame = pd.DataFrame({"objective": [o.id for o in card.objectives],
                              "perspective": [o.perspective for o in card.objectives],
                              "weight": [o.weight for o in card.objectives]})
    obj_frame["score"] = obj_frame["objective"].map(objectives["score"]).astype("float64")
    perspectives = _weighted(obj_frame, "perspective", "score", "weight")
    persp_frame = pd.DataFrame({"perspective": [x.id for x in card.perspectives],
                                "weight": [x.weight for x in card.perspectives]})
    persp_frame["score"] = persp_frame["perspective"].map(perspectives["score"]).astype("float64")
    overall = _weighted(persp_frame.assign(all="all"), "all", "score", "weight")["score"].iloc[0]

    history_matrix = wide[history].to_numpy()
    kpi_results = []
    for i, k in enumerate(card.kpis):  # one iteration per scorecard KPI (a few dozen), not per data row
        row = defs.iloc[i]
        manual_def = card.manual_kpi(k.kpi) if k.source is Source.MANUAL else None
        kpi_results.append(KpiResult(
            kpi=k.kpi, objective=row["objective"], perspective=row["perspective"], source=k.source.value,
            direction=k.direction.value, weight=k.weight, actual=_opt(row["actual"]), target=k.target,
            baseline=k.baseline, green=k.thresholds.green, amber=k.thresholds.amber,
            achievement=_opt(row["achievement"]), status=Status(row["status"]), previous=_opt(row["previous"]),
            trend=Trend(Movement(movement[i]), Verdict(verdict[i])),
            history=tuple((label, _opt(v)) for label, v in zip(history, history_matrix[i])),
            numerator=_opt(current["numerator"].iloc[i]), denominator=_opt(current["denominator"].iloc[i]),
            name=k.name or (manual_def.name if manual_def else None), unit=manual_def.unit if manual_def else None))
    counts = defs.assign(has=defs["actual"].notna()).groupby("objective", sort=False)["has"].agg(["sum", "size"])
    objective_results = tuple(ObjectiveResult(
        id=o.id, name=o.name, perspective=o.perspective, weight=o.weight, score=_opt(obj_frame["score"].iloc[i]),
        status=rollup_status(_opt(obj_frame["score"].iloc[i]), card.rollup), causes=o.causes,
        kpis_with_data=int(counts.loc[o.id, "sum"]), kpis_total=int(counts.loc[o.id, "size"]))
        for i, o in enumerate(card.objectives))
    perspective_results = tuple(PerspectiveResult(
        id=x.id, name=x.name, weight=x.weight, score=_opt(persp_frame["score"].iloc[i]),
        status=rollup_status(_opt(persp_frame["score"].iloc[i]), card.rollup))
        for i, x in enumerate(card.perspectives))
    return ScorecardResult(scorecard_id=card.id, name=card.name, period=p.label, granularity=p.granularity.value,
                           periods=tuple(history), score=_opt(overall), status=rollup_status(_opt(overall),
                                                                                             card.rollup),
                           perspectives=perspective_results, objectives=objective_results,
                           kpis=tuple(kpi_results))


def _opt(value) -> float | None:
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def compare_snapshots(a: dict, b: dict) -> pd.DataFrame:
    """Per KPI of two ``ScorecardResult.to_dict()`` payloads (a = earlier, b = later): actual,
    target, achievement and status side by side with the deltas b - a. A KPI in only one payload
    keeps NaN on the other side."""
    cols = ["kpi", "objective", "perspective", "actual", "target", "achievement", "status"]

    def frame(payload: dict) -> pd.DataFrame:
        rows = [{c: k.get(c) for c in cols} for k in payload.get("kpis", [])]
        f = pd.DataFrame(rows, columns=cols)
        f[["actual", "target", "achievement"]] = f[["actual", "target", "achievement"]].astype("float64")
        return f

    fa, fb = frame(a), frame(b)
    merged = fa.merge(fb, on="kpi", how="outer", suffixes=("_a", "_b"), sort=False)
    order = {k: i for i, k in enumerate(list(fa["kpi"]) + [k for k in fb["kpi"] if k not in set(fa["kpi"])])}
    merged = merged.sort_values("kpi", key=lambda s: s.map(order)).reset_index(drop=True)
    out = pd.DataFrame({"kpi": merged["kpi"],
                        "objective": merged["objective_b"].fillna(merged["objective_a"]),
                        "perspective": merged["perspective_b"].fillna(merged["perspective_a"])})
    for c in ("actual", "target", "achievement"):
        out[f"{c}_a"], out[f"{c}_b"] = merged[f"{c}_a"], merged[f"{c}_b"]
        out[f"{c}_delta"] = merged[f"{c}_b"] - merged[f"{c}_a"]
    out["status_a"] = merged["status_a"].fillna(Status.GREY.value)
    out["status_b"] = merged["status_b"].fillna(Status.GREY.value)
    out["status_changed"] = out["status_a"] != out["status_b"]
    out.attrs.update(period_a=a.get("period"), period_b=b.get("period"))
    return out
