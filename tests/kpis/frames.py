"""Canonical DataFrames from small YAML row lists (dtypes per data.schema FieldType.pandas_dtype)."""
from __future__ import annotations

import pandas as pd

from data.schema import load_schema


def canonical_frames(rows_by_entity: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, rows in (rows_by_entity or {}).items():
        schema = load_schema()[name]
        rows = rows or []
        columns = {}
        for f in schema.fields:
            values = [r.get(f.name) for r in rows]
            dtype = f.type.pandas_dtype
            if dtype.startswith("datetime"):
                columns[f.name] = pd.to_datetime(pd.Series(values, dtype="object")).astype(dtype)
            else:
                columns[f.name] = pd.Series(values, dtype="object").astype(dtype)
        out[name] = pd.DataFrame(columns)
    return out
