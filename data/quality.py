"""Data-quality summary per entity; feeds the KPI ``data_completeness``.

completeness = share of non-empty cells over the entity's optional fields (a field the export
lacks counts as empty); duplicate_keys = repeated key ids; implausible = rows breaking a
validation rule (negative amounts, satisfaction outside 1-5 ...). The overall
``data_completeness`` is the mean completeness over the entities that have rows.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from data.schema import load_schema
from data.validation import rule_mask


def entity_quality(name: str, frame: pd.DataFrame) -> dict:
    schema = load_schema()[name]
    rows = int(len(frame))
    optional = [f for f in schema.optional]
    if rows and optional:
        filled = np.array([frame[f].notna().sum() if f in frame else 0 for f in optional], dtype="float64")
        completeness = float(filled.sum() / (rows * len(optional)))
        per_field = {f: round(float(n / rows), 4) for f, n in zip(optional, filled)}
    else:
        completeness, per_field = (1.0 if rows else 0.0), {}
    duplicates = 0
    if schema.key and schema.key in frame:
        key = frame[schema.key]
        duplicates = int((key.duplicated(keep="first") & key.notna()).sum())
    implausible = np.zeros(rows, dtype=bool)
    for rule in schema.plausibility:
        if all(c in frame for c in rule.columns):
            implausible = implausible | rule_mask(rule, frame).to_numpy(dtype=bool)
    return {"rows": rows, "completeness": round(completeness, 4), "field_completeness": per_field,
            "duplicate_keys": duplicates, "implausible": int(implausible.sum())}


def quality_summary(frames: Mapping[str, pd.DataFrame], rejected: Mapping[str, int] | None = None) -> dict:
    """``{"entities": {name: {...}}, "data_completeness": x}`` - plain JSON types only.

    ``rejected`` (rows refused at import per entity) is added to each entity's figures."""
    entities = {}
    for name, frame in frames.items():
        entry = entity_quality(name, frame)
        if rejected is not None:
            entry["rejected"] = int(rejected.get(name, 0))
        entities[name] = entry
    scored = [e["completeness"] for e in entities.values() if e["rows"]]
    overall = round(float(np.mean(scored)), 4) if scored else 0.0
    return {"entities": entities, "data_completeness": overall}


def completeness_frame(summary: dict) -> pd.DataFrame:
    """The summary as a table (entity, rows, completeness, duplicate_keys, implausible)."""
    rows = [{"entity": k, **{c: v[c] for c in ("rows", "completeness", "duplicate_keys", "implausible")}}
            for k, v in summary.get("entities", {}).items()]
    return pd.DataFrame(rows, columns=["entity", "rows", "completeness", "duplicate_keys", "implausible"])
