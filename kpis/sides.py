"""Answering the non-additive parts from their side tables (``kpis.sidebuild`` says what they hold):
medians from the sorted value lists, active-at-period-start counts from the event tables, distinct
and per-customer counts from the key sets. Each answer is a frame of the slice keys and the part's
column, or None when the table cannot answer this question exactly (the engine then reads the
raw rows): a slice or filter by a column the table does not hold, or (key sets) a date range that
does not cover whole periods.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from core.query import Filters
from kpis import olap
from kpis.definitions import Part
from kpis.sidebuild import GRANS, name, part_key, side_of

Sliced = Sequence[tuple[str, str]]  # (alias asked for, column)
Filtered = Sequence[tuple[str, Sequence[str]]]  # (column, values)


def locate(sides: dict, entity: str, date_field: str | None, part: Part) -> tuple[str, dict] | None:
    """The side table holding ``part`` of a KPI of ``entity`` and ``date_field``, if any."""
    found = side_of(date_field, part)
    if found is None:
        return None
    file = name(found[0], entity, *found[1])
    entry = sides.get(file)
    return (file, entry) if entry and part_key(part) in entry["parts"] else None


def answer(folder: Path, file: str, entry: dict, part: Part, sliced: Sliced, flt: Filtered, gran: str | None,
           filters: Filters) -> dict[str, np.ndarray] | None:
    held = set(entry["dims"]) | ({entry["split"]} if entry.get("split") else set())
    if any(c not in held for _, c in sliced) or any(c not in held for c, _ in flt):
        return None
    path = folder / f"{file}.parquet"
    kind = entry["kind"]
    if kind == "median":
        return _median(path, entry, part, sliced, flt, gran, filters)
    if kind == "active":
        return _active(path, entry, part, sliced, flt, gran, filters)
    return _keys(path, entry, part, sliced, flt, gran, filters)


def _frame(groups: olap.Groups, sliced: Sliced, gran: str | None, column: str, values: np.ndarray
           ) -> dict[str, np.ndarray]:
    return {a: groups.keys[a] for a in [a for a, _ in sliced] + (["period"] if gran else [])} | {column: values}


def _median(path, entry, part, sliced, flt, gran, filters) -> dict[str, np.ndarray]:
    table = olap.coded(path, entry["dims"])
    dated = gran is not None or filters.start is not None or filters.end is not None
    keep = olap.mask(table, flt, filters.start, filters.end, dated=dated)
    groups = olap.group(table, keep, sliced, gran)
    return _frame(groups, sliced, gran, part.name, olap.medians(groups, table.values["_v"][keep]))


def _active(path, entry, part, sliced, flt, gran, filters) -> dict[str, np.ndarray]:
    """Active at each period's start: the engine's running sum of +n at ``from`` and -n at the later
    of ``from`` and ``to`` (months suffice: both compare against period starts)."""
    table = olap.coded(path, entry["dims"])
    n = table.values["a_" + part_key(part)]
    f, t = table.values["_f"], table.values["_t"]
    keep = olap.mask(table, flt)
    if not gran:
        if filters.start is not None:
            s = olap.month_number(filters.start)
            n = np.where((np.isnan(f) | (f < s)) & (np.isnan(t) | (t >= s)), n, 0.0)
        groups = olap.group(table, keep, sliced, None)
        return _frame(groups, sliced, None, part.name, olap.sums(groups, n[keep]))
    keep &= n > 0  # rows outside the part's condition make no events
    last = np.where(np.isnan(f), t, np.fmax(f, t))
    rows = np.flatnonzero(keep)
    ends = rows[~np.isnan(t[rows])]
    months = np.concatenate([f[rows], last[ends]])
    weight = np.concatenate([n[rows], -n[ends]])
    period = np.where(np.isnan(months), np.nan, olap.period_number(np.nan_to_num(months).astype("int64"), gran))
    low = np.nanmin(period) if len(period) and not np.isnan(period).all() else 0
    pdigit = np.where(np.isnan(period), 0, period - low + 1).astype("int64")
    prad = int(pdigit.max()) + 1 if len(pdigit) else 1
    key = np.zeros(len(weight), dtype="int64")
    radices = []
    for _, col in sliced:
        codes = np.concatenate([table.codes[col][rows], table.codes[col][ends]]).astype("int64") + 1
        radix = len(table.labels[col]) + 1
        key = key * radix + codes
        radices.append(radix)
    key = key * prad + pdigit
    uniq, index = np.unique(key, return_inverse=True)  # sorted: by dimensions, then period (empty first)
    total = np.bincount(index, weights=weight, minlength=len(uniq))
    dimkey, pd_ = uniq // prad, uniq % prad
    before = np.cumsum(total) - total
    first = np.flatnonzero(np.r_[True, dimkey[1:] != dimkey[:-1]]) if len(uniq) else np.array([], dtype="int64")
    active = before - before[first][np.cumsum(np.r_[True, dimkey[1:] != dimkey[:-1]]) - 1] if len(uniq) else before
    number = pd_ + low - 1
    ok = pd_ > 0
    if filters.start is not None:
        ok &= number >= olap.period_number(np.array([olap.month_number(filters.start)]), gran)[0]
    if filters.end is not None:
        ok &= _start_month(number, gran) < olap.month_number(filters.end)
    out = {}
    rest = dimkey[ok]
    for (alias, col), radix in zip(reversed(sliced), reversed(radices)):
        out[alias] = np.append(table.labels[col], None)[rest % radix - 1]
        rest = rest // radix
    return {a: out[a] for a, _ in sliced} | {"period": olap.period_labels(number[ok], gran), part.name: active[ok]}


def _start_month(number: np.ndarray, gran: str) -> np.ndarray:
    if gran == "quarter":
        return (number // 4) * 12 + (number % 4) * 3
    if gran == "year":
        return number * 12
    return number


_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _periods(gran: str | None, filters: Filters) -> tuple[int, int | None, int | None] | None:
    """(granularity code, first period number, end period number) of a key-set question, or None
    when its date range cuts a period (a distinct count cannot be split)."""
    start = None if filters.start is None else olap.month_number(filters.start)
    end = None if filters.end is None else olap.month_number(filters.end)
    if gran:
        step = _MONTHS[gran]
        if any(m is not None and m % step for m in (start, end)):
            return None
        conv = (lambda m: None if m is None else int(olap.period_number(np.array([m]), gran)[0]))
        return GRANS[gran], conv(start), conv(end)
    if start is None and end is None:
        return GRANS["total"], None, None
    for g, step in _MONTHS.items():  # a range of exactly one month, quarter or year
        if start is not None and end == start + step and start % step == 0:
            p = int(olap.period_number(np.array([start]), g)[0])
            return GRANS[g], p, p + 1
    return None


def _keys(path, entry, part, sliced, flt, gran, filters) -> dict[str, np.ndarray] | None:
    span = _periods(gran, filters)
    if span is None:
        return None
    code, first, stop = span
    split = entry.get("split")
    table = olap.coded(path, entry["dims"] + ["_one"])
    keep = olap.mask(table, [(c, v) for c, v in flt if c != split])
    keep &= table.values["_g"] == code
    p = table.values["_p"]
    if first is not None:
        keep &= p >= first
    if stop is not None:
        keep &= p < stop
    texts = [str(v) for v in entry.get("split_values", [])] if split else [None]
    chosen = range(len(texts))
    for c, values in flt:
        if c == split:
            chosen = [i for i in chosen if texts[i] is not None and texts[i] in set(values)]
    by_split = any(c == split for _, c in sliced) and split is not None
    sets = table.values["_set"]
    if by_split:
        keep &= np.isin(sets, [1 << i for i in chosen])
    else:
        keep &= sets == sum(1 << i for i in chosen) if chosen else np.zeros_like(keep)
    dims = [(a, "_one" if c == split else c) for a, c in sliced]
    periods = np.nan_to_num(p).astype("int64") if gran else None
    groups = olap.group(table, keep, dims, gran, periods=periods)
    return _frame(groups, sliced, gran, part.name, olap.sums(groups, table.zeroed("k_" + part_key(part))[keep]))
