"""The KPI table of a question answered wholly from the pre-aggregates, built in one go: the same
frame as ``kpis.results.assemble`` per KPI and ``arrange`` (same columns, dtypes, order and
values), without a pandas frame per KPI. A filter change asks for all 19 KPIs at once, and a frame
per KPI cost more than the answer itself.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from kpis.definitions import ADDITIVE, KpiDefinition
from kpis.formulas import check_formula
from kpis.results import BASE_COLUMNS


@lru_cache(maxsize=256)
def _tree(formula: str, parts: frozenset[str]) -> ast.AST:
    problems = check_formula(formula, parts)
    if problems:  # defence in depth, as in kpis.formulas.evaluate
        raise ValueError("; ".join(problems))
    return ast.parse(formula.strip(), mode="eval").body


def _divide(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return np.where(right != 0, left / np.where(right != 0, right, 1.0), np.nan)


_OPS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: _divide}


def _eval(node: ast.AST, columns: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """``kpis.formulas._eval`` on arrays: x / 0 is NaN."""
    if isinstance(node, ast.Constant):
        return np.full(n, float(node.value))
    if isinstance(node, ast.Name):
        return columns[node.id]
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, columns, n)
        return -value if isinstance(node.op, ast.USub) else value
    return _OPS[type(node.op)](_eval(node.left, columns, n), _eval(node.right, columns, n))


def kpi_table(kpis: Sequence[KpiDefinition], answered: Mapping[str, Mapping[str, np.ndarray]],
              keys: Sequence[str]) -> pd.DataFrame:
    """``arrange([assemble(k, answered[k.id], keys) for k in kpis], ...)`` for computed KPIs."""
    ids, key_cols, base, extra = [], {k: [] for k in keys}, {c: [] for c in BASE_COLUMNS}, {}
    offset = 0
    for kpi in kpis:
        cols = answered[kpi.id]
        n = max((len(v) for v in cols.values()), default=0)
        if n == 0:
            continue  # arrange drops a KPI without rows (and its part columns)
        parts = {}
        for part in kpi.parts:
            col = np.asarray(cols[part.name], dtype="float64") if part.name in cols else np.full(n, np.nan)
            if part.agg in ADDITIVE or part.per or part.active:
                col = np.nan_to_num(col, nan=0.0)
            parts[part.name] = col
        ids.append(np.full(n, kpi.id, dtype=object))
        for k in keys:
            key_cols[k].append(cols[k] if k in cols else np.full(n, None, dtype=object))
        base["value"].append(_eval(_tree(kpi.formula, frozenset(parts)), parts, n).astype("float64"))
        for name in ("numerator", "denominator"):
            base[name].append(parts[name] if kpi.is_ratio else np.full(n, np.nan))
        for name, col in parts.items():
            if name not in BASE_COLUMNS:
                extra.setdefault(name, []).append((offset, col))
        offset += n
    columns = ["kpi", *keys, *BASE_COLUMNS]
    if not ids:
        return pd.DataFrame({c: pd.Series(dtype="string" if c in ("kpi", *keys) else "float64") for c in columns})
    data = {"kpi": pd.array(np.concatenate(ids), dtype="string")}
    for k in keys:
        data[k] = pd.array(np.concatenate(key_cols[k]).astype(object), dtype="string")
    for c in BASE_COLUMNS:
        data[c] = np.concatenate(base[c])
    for name, pieces in extra.items():
        col = np.full(offset, np.nan)
        for start, values in pieces:
            col[start:start + len(values)] = values
        data[name] = col
    rank = np.concatenate([np.full(len(i), r) for r, i in enumerate(ids)])
    out = pd.DataFrame(data)
    if keys:
        out = out.assign(_rank=rank).sort_values(["_rank", *keys], na_position="last", kind="stable")
        out = out.drop(columns="_rank")
    return out.reset_index(drop=True)
