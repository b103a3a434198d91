"""Rolling the pre-aggregate tables up in memory with numpy: no database round trip per question.

An aggregate file (a cube, an event table, a value list, a key-set table; ``kpis.cubes``) is loaded
once per file version into a ``Coded`` table: every dimension column as integer codes (-1 = empty)
with its distinct values, the month column as a month number (-1 = empty) and every measure as
float64. A question is then a boolean mask (dimension filters, a month range), one integer group
key per row (dimension codes and the period number in mixed radix) and ``np.bincount`` sums per
group: the same groups and sums as the SQL ``GROUP BY`` over the same rows, in a millisecond or two.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

EMPTY = -1
_DENSE_LIMIT = 4_000_000  # group-key space counted densely (bincount); above it np.unique


@dataclass(frozen=True)
class Coded:
    rows: int
    codes: dict[str, np.ndarray]  # dimension -> int32 codes, -1 = NULL
    labels: dict[str, np.ndarray]  # dimension -> its distinct values as stored (output)
    texts: dict[str, np.ndarray]  # dimension -> the same values as text (what a filter compares)
    month: np.ndarray  # months since year 0 (year * 12 + month - 1), -1 = NULL
    values: dict[str, np.ndarray]  # every other column as float64 (NaN = NULL)
    memo: dict = field(default_factory=dict, compare=False)  # period numbers, NULL-as-0 columns

    def periods(self, gran: str) -> np.ndarray:
        if gran not in self.memo:
            self.memo[gran] = period_number(self.month, gran)
        return self.memo[gran]

    def zeroed(self, name: str) -> np.ndarray:
        """The column with NULL as 0 (what a sum adds)."""
        key = ("zeroed", name)
        if key not in self.memo:
            self.memo[key] = np.nan_to_num(self.values[name])
        return self.memo[key]


@lru_cache(maxsize=64)
def _coded(path: Path, stamp: tuple[int, int], dims: tuple[str, ...], month: str) -> Coded:
    import pyarrow as pa  # first use only
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    codes, labels, texts, values = {}, {}, {}, {}
    for name in table.column_names:
        col = table.column(name)
        if name == month:
            ts = col.to_pandas()
            m = (ts.dt.year * 12 + ts.dt.month - 1).to_numpy(dtype="float64", na_value=np.nan)
            codes_m = np.where(np.isnan(m), EMPTY, np.nan_to_num(m, nan=0)).astype("int32")
            continue
        if name in dims:
            enc = pc.dictionary_encode(col.combine_chunks())
            idx = enc.indices.to_numpy(zero_copy_only=False)
            codes[name] = np.where(pd.isna(idx), EMPTY, np.nan_to_num(idx, nan=0)).astype("int32")
            labels[name] = np.asarray(enc.dictionary.to_pylist(), dtype=object)
            as_text = enc.dictionary if pa.types.is_string(enc.dictionary.type) else pc.cast(enc.dictionary, pa.string())
            texts[name] = np.asarray(as_text.to_pylist(), dtype=object)
        else:
            values[name] = col.to_numpy(zero_copy_only=False).astype("float64")
    if month not in table.column_names:
        codes_m = np.full(table.num_rows, EMPTY, dtype="int32")
    return Coded(table.num_rows, codes, labels, texts, codes_m, values)


def coded(path: Path, dims: Sequence[str], month: str = "_month") -> Coded:
    """The aggregate file at ``path`` as a ``Coded`` table (kept in memory per file version)."""
    st = path.stat()
    return _coded(path, (st.st_mtime_ns, st.st_size), tuple(dims), month)


def month_number(day) -> int:
    t = pd.Timestamp(day)
    return t.year * 12 + t.month - 1


def mask(table: Coded, filters: Sequence[tuple[str, Sequence[str]]], start=None, end=None,
         dated: bool = False) -> np.ndarray:
    """Rows whose dimension values are among the filter's texts (NULL never is) and whose month is
    in [start, end) (month-aligned days); ``dated`` drops rows without a month."""
    keep = np.ones(table.rows, dtype=bool)
    for col, wanted in filters:
        allowed = np.isin(table.texts[col], np.asarray(list(wanted), dtype=object))
        lookup = np.append(allowed, False)  # code -1 (NULL) reads the last entry
        keep &= lookup[table.codes[col]]
    m = table.month
    if dated or start is not None or end is not None:
        keep &= m != EMPTY
    if start is not None:
        keep &= m >= month_number(start)
    if end is not None:
        keep &= m < month_number(end)
    return keep


def period_number(month: np.ndarray, gran: str) -> np.ndarray:
    """Month numbers -> quarter (year * 4 + q - 1) or year numbers; months stay."""
    if gran == "quarter":
        return (month // 12) * 4 + (month % 12) // 3
    if gran == "year":
        return month // 12
    return month


def period_labels(numbers: np.ndarray, gran: str) -> np.ndarray:
    """Period numbers -> labels as ``core.query.period_sql`` writes them (2024, 2024-Q1, 2024-03)."""
    n = numbers.astype("int64")
    if not len(n):
        return np.empty(0, dtype=object)
    if gran == "year":
        out = n.astype(str)
    elif gran == "quarter":
        out = np.char.add(np.char.add((n // 4).astype(str), "-Q"), (n % 4 + 1).astype(str))
    else:
        out = np.char.add(np.char.add((n // 12).astype(str), "-"), np.char.zfill((n % 12 + 1).astype(str), 2))
    return out.astype(object)


@dataclass(frozen=True)
class Groups:
    """Row -> group index for the selected rows, and each group's key columns."""

    index: np.ndarray  # per selected row its group 0..n-1
    count: int
    keys: dict[str, np.ndarray]  # alias -> per group its value (object; None = NULL)
    numbers: dict[str, np.ndarray]  # alias -> per group its code (dims) or period number


def group(table: Coded, keep: np.ndarray, dims: Sequence[tuple[str, str]], gran: str | None,
          periods: np.ndarray | None = None, whole: bool = True) -> Groups:
    """Group the kept rows by ``dims`` ((alias, column) pairs) and the period of ``gran`` (the
    rows' period numbers, by default from their month). Without keys there is one group
    (``whole``), even over no rows, as SQL without GROUP BY."""
    parts: list[tuple[str, np.ndarray, int, int]] = []  # alias, values (>= 0), radix, offset
    for alias, col in dims:
        c = table.codes[col][keep].astype("int64") + 1
        parts.append((alias, c, len(table.labels[col]) + 1, 1))
    if gran:
        p = (table.periods(gran) if periods is None else periods)[keep].astype("int64")
        low = int(p.min()) if len(p) else 0
        parts.append(("period", p - low, (int(p.max()) - low + 1) if len(p) else 1, low))
    n = int(keep.sum())
    if not parts:
        return Groups(np.zeros(n, dtype="int64"), 1 if whole or n else 0, {}, {})
    key = np.zeros(n, dtype="int64")
    space = 1
    for _, values, radix, _ in parts:
        key = key * radix + values
        space *= radix
    if space <= _DENSE_LIMIT:
        present = np.flatnonzero(np.bincount(key, minlength=space))
        lookup = np.full(space, -1, dtype="int64")
        lookup[present] = np.arange(len(present))
        index, uniq = lookup[key], present
    else:
        uniq, index = np.unique(key, return_inverse=True)
    keys, numbers = {}, {}
    rest = uniq
    for alias, _, radix, offset in reversed(parts):
        digit = rest % radix
        rest = rest // radix
        if alias == "period":
            numbers[alias] = digit + offset
            keys[alias] = period_labels(digit + offset, gran)
        else:
            col = dict(dims)[alias]
            numbers[alias] = digit - 1
            keys[alias] = np.append(table.labels[col], None)[digit - 1]
    return Groups(index, len(uniq), keys, numbers)


def sums(groups: Groups, values: np.ndarray) -> np.ndarray:
    """Per group the sum of the selected rows' values (no NULLs: ``Coded.zeroed``)."""
    return np.bincount(groups.index, weights=values, minlength=groups.count).astype("float64", copy=False)


def selection(table: Coded, flt, sliced, gran: str | None, start, end, dated: bool, memo: dict
              ) -> tuple[np.ndarray, Groups]:
    """``mask`` and ``group`` once per table and question (KPIs of one cube share them)."""
    key = (id(table), tuple(flt), tuple(sliced), gran, start, end, dated)
    if key not in memo:
        keep = mask(table, flt, start, end, dated=dated)
        memo[key] = keep, group(table, keep, sliced, gran)
    return memo[key]


def medians(groups: Groups, values: np.ndarray) -> np.ndarray:
    """Per group the median of the selected rows' values (stored sorted), NaN for a group without
    values: the middle value, or between the two middle ones as DuckDB's ``median`` interpolates."""
    order = np.argsort(groups.index, kind="stable")  # keeps the stored value order within a group
    v = values[order]
    n = np.bincount(groups.index, minlength=groups.count)
    start = np.concatenate([[0], np.cumsum(n)[:-1]]).astype("int64")
    out = np.full(groups.count, np.nan)
    has = n > 0
    lo = v[(start + (n - 1) // 2)[has]]
    hi = v[(start + n // 2)[has]]
    out[has] = lo + (hi - lo) * 0.5
    return out


def align(left: dict[str, np.ndarray], nl: int, right: dict[str, np.ndarray], nr: int, keys: Sequence[str],
          outer: bool) -> tuple[np.ndarray, np.ndarray]:
    """Row positions joining two per-group tables (``nl`` and ``nr`` rows) on ``keys`` (no keys: row
    0 with row 0): every left row with its matching right row or -1, then (``outer``) the right
    rows without a match."""
    lkey, rkey = np.zeros(nl, dtype="int64"), np.zeros(nr, dtype="int64")
    for k in keys:
        codes, uniques = pd.factorize(np.concatenate([left[k], right[k]]).astype(object), use_na_sentinel=False)
        lkey = lkey * (len(uniques) + 1) + codes[:nl]
        rkey = rkey * (len(uniques) + 1) + codes[nl:]
    order = np.argsort(rkey, kind="stable")
    pos = np.searchsorted(rkey[order], lkey).clip(0, max(nr - 1, 0))
    found = (rkey[order][pos] == lkey) if nr else np.zeros(nl, dtype=bool)
    li, ri = np.arange(nl), np.where(found, order[pos] if nr else -1, -1)
    if outer:
        alone = np.setdiff1d(np.arange(nr), ri[ri >= 0])
        li, ri = np.concatenate([li, np.full(len(alone), -1)]), np.concatenate([ri, alone])
    return li, ri


def take(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[index]`` with -1 giving NaN (numbers) or None (keys)."""
    if values.dtype == object:
        return np.append(values, None)[index]
    return np.append(values.astype("float64"), np.nan)[index]
