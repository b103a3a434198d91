"""Editing a client's scorecard: the editor's table (targets, baselines, thresholds, weights per
KPI) applied to the card, validated by the scorecard loader and saved as the client's copy with an
optimistic version; and the grid of hand-entered values per period (training hours).

A broken edit raises a located error and writes nothing: the previous version stays in force.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
from sqlalchemy import Engine

from core.errors import InputError, Problem
from core.query import Period
from core.values import as_float
from scorecards.loader import parse_scorecard, to_yaml
from scorecards.model import Scorecard, Thresholds
from services.scorecard_view import LoadedScorecard, known_kpis
from storage import scorecards as repo

EDIT_COLUMNS = ["objective", "kpi", "target", "baseline", "green", "amber", "weight"]
SCALED = ["target", "baseline", "green", "amber"]  # in the KPI's unit; the weight is a plain number
PERCENT_UNITS = {"ratio"}  # stored as fractions (0.08), edited as percentages (8 %: issue 14.9)


def _factor(unit: str) -> float:
    return 100.0 if unit in PERCENT_UNITS else 1.0


def editor_frame(card: Scorecard) -> pd.DataFrame:
    """One row per scorecard KPI with the editable numbers (the data editor's input); a rate's
    target and thresholds in percent, as people say them ("Soll 8 %", not 0,08)."""
    rows = [{"objective": o.id, "kpi": k.kpi, "unit": "%" if k.unit in PERCENT_UNITS else "", "target": k.target,
             "baseline": k.baseline, "green": k.thresholds.green, "amber": k.thresholds.amber, "weight": k.weight,
             "_factor": _factor(k.unit)}
            for o in card.objectives for k in o.kpis]
    frame = pd.DataFrame(rows, columns=[*EDIT_COLUMNS[:2], "unit", *EDIT_COLUMNS[2:], "_factor"])
    frame[EDIT_COLUMNS[2:]] = frame[EDIT_COLUMNS[2:]].astype("float64")
    frame[SCALED] = frame[SCALED].mul(frame["_factor"], axis=0).round(10)
    return frame.drop(columns="_factor")



def apply_edits(card: Scorecard, edited: pd.DataFrame) -> Scorecard:
    """The card with the edited targets, baselines, thresholds and weights (matched by objective and
    KPI); a missing number is a located InputError; the rest is checked by the scorecard loader."""
    problems: list[Problem] = []
    values: dict[tuple[str, str], dict] = {}
    factors = {(o.id, k.kpi): _factor(k.unit) for o in card.objectives for k in o.kpis}
    for i, row in enumerate(edited.to_dict("records")):
        key = (str(row.get("objective")), str(row.get("kpi")))
        parsed = {c: as_float(row.get(c)) for c in EDIT_COLUMNS[2:]}
        parsed.update({c: round(parsed[c] / factors.get(key, 1.0), 12) for c in SCALED if parsed[c] is not None})
        for column in ("target", "green", "amber", "weight"):
            if parsed[column] is None:
                problems.append(Problem(f"row {i + 1} ({key[1]}).{column}", "is empty or not a number",
                                        "type a number; use a dot or comma as the decimal sign",
                                        key="edit.not_a_number", hint_key="edit.not_a_number_hint"))
        values[key] = parsed
    if problems:
        raise InputError("the scorecard was not saved: some numbers are missing", problems,
                         hint="the previous version is kept", key="edit.not_saved", hint_key="edit.not_saved_hint")
    objectives = []
    for o in card.objectives:
        kpis = []
        for k in o.kpis:
            v = values.get((o.id, k.kpi))
            if v is None:
                kpis.append(k)
                continue
            kpis.append(replace(k, target=v["target"], baseline=v["baseline"], weight=v["weight"],
                                thresholds=Thresholds(v["green"], v["amber"]), thresholds_declared=True))
        objectives.append(replace(o, kpis=tuple(kpis)))
    text = to_yaml(replace(card, objectives=tuple(objectives)))
    return parse_scorecard(text, f"{card.id}.yaml", known_kpis())  # located ConfigError when inconsistent


def save_edits(engine: Engine, client_id: int, loaded: LoadedScorecard, edited: pd.DataFrame,
               actor: str = "") -> int:
    """Validate and store the client's copy; returns its new version (ConflictError when stale)."""
    card = apply_edits(loaded.card, edited)
    return repo.save_setting(engine, client_id, card.id, to_yaml(card), loaded.version, actor=actor)


def manual_table(card: Scorecard, manual: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """period x manual KPI grid of the hand-entered values (NaN where none), newest period first."""
    ids = [m.id for m in card.manual_kpis]
    wide = (manual[manual["kpi"].isin(ids)].pivot(index="period", columns="kpi", values="value")
            if len(manual) else pd.DataFrame())
    grid = wide.reindex(index=list(reversed(labels)), columns=ids).astype("float64")
    grid.index.name = "period"
    return grid.reset_index()


def save_manual(engine: Engine, client_id: int, before: pd.DataFrame, after: pd.DataFrame, actor: str = "") -> int:
    """Write the cells that changed between two ``manual_table`` frames; returns how many."""
    changed = 0
    ids = [c for c in after.columns if c != "period"]
    old = before.set_index("period")
    for row in after.to_dict("records"):
        for kpi in ids:
            new = as_float(row.get(kpi))
            prev = as_float(old.at[row["period"], kpi]) if row["period"] in old.index else None
            if new == prev:
                continue
            if new is None:
                repo.delete_manual_value(engine, client_id, kpi, row["period"], actor=actor)
            else:
                repo.set_manual_value(engine, client_id, kpi, Period.parse(row["period"]).label, new, actor=actor)
            changed += 1
    return changed
