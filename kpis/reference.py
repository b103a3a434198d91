"""The same KPI definitions computed with plain pandas: slow, simple, obviously correct.

It checks the DuckDB engine (tests compare both on random data) and is the pandas baseline of the
benchmark. Every step is written the direct way: filter rows with a boolean mask, group, aggregate.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from core.query import Filters, Granularity
from data.schema import CUSTOMER_DIMENSIONS, load_schema
from kpis.catalogue import Catalogue
from kpis.definitions import Agg, Condition, Kind, KpiDefinition, Part
from kpis.engine import dimension_column, resolve_kpis
from kpis.results import arrange, assemble, external_rows

_FREQ = {"month": "M", "quarter": "Q", "year": "Y"}


def compute_reference(frames: Mapping[str, pd.DataFrame], kpi_ids: Iterable[str] | str, by: Iterable[str] = (),
                      period: Granularity | str | None = None, filters: Filters | None = None,
                      external: Mapping[str, float] | None = None, catalogue: Catalogue | None = None) -> pd.DataFrame:
    kpis = resolve_kpis(kpi_ids, catalogue)
    by = tuple(dict.fromkeys(by))
    gran = Granularity(period).value if period else None
    filters = filters or Filters()
    keys = [*by, *(["period"] if gran else [])]
    data = {name: _canonical(frames, name) for name in load_schema()}
    joined = {name: _with_customer_dimensions(name, data) for name in data}
    out = []
    for kpi in kpis:
        if kpi.kind is Kind.EXTERNAL:
            out.append(external_rows(kpi, keys, external))
        else:
            out.append(assemble(kpi, _kpi_frame(kpi, joined[kpi.entity], data, by, gran, filters), keys))
    return arrange(out, [k.id for k in kpis], keys)


def _canonical(frames: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    schema = load_schema()[name]
    df = frames.get(name)
    df = pd.DataFrame() if df is None else df
    missing = {f.name: pd.Series(pd.NA, index=df.index, dtype=f.type.pandas_dtype)
               for f in schema.fields if f.name not in df.columns}
    return df.assign(**missing) if missing else df


def _with_customer_dimensions(name: str, data: dict) -> pd.DataFrame:
    """The entity's rows with segment, region and acquisition_channel of their customer."""
    df = data[name]
    if name != "customers" and "customer_id" in df.columns:
        dims = data["customers"].groupby("customer_id")[list(CUSTOMER_DIMENSIONS)].min()
        df = df.drop(columns=[c for c in CUSTOMER_DIMENSIONS if c in df.columns])
        df = df.merge(dims, left_on="customer_id", right_index=True, how="left")
    return df


def _kpi_frame(kpi: KpiDefinition, df: pd.DataFrame, data: dict, by: tuple, gran: str | None,
               filters: Filters) -> pd.DataFrame:
    dim_cols = {b: c for b in by if (c := dimension_column(kpi, b, df.columns))}
    flt_cols = [c for name, _ in filters.dimensions if (c := dimension_column(kpi, name, df.columns))]
    needed = [*dim_cols.values(), *flt_cols, kpi.date_field, *(f for p in kpi.parts for f in p.fields)]
    df = df[list(dict.fromkeys(needed))]  # only the columns this KPI reads
    for name, values in filters.dimensions:
        col = dimension_column(kpi, name, df.columns)
        if col:
            df = df[df[col].astype("string").isin(values).fillna(False).astype(bool)]
    keys = list(dim_cols)
    for b, col in dim_cols.items():
        df = df.assign(**{b: df[col]})
    pieces = []
    plain = [p for p in kpi.parts if not p.active]
    if plain:
        rows = df
        if gran or filters.start or filters.end:
            d = rows[kpi.date_field]
            mask = d.notna()
            if filters.start:
                mask &= d >= pd.Timestamp(filters.start)
            if filters.end:
                mask &= d < pd.Timestamp(filters.end)
            rows = rows[mask.fillna(False).astype(bool)]
        if gran:
            rows = rows.assign(period=_label(_period_start(rows[kpi.date_field], gran), gran))
        gkeys = keys + (["period"] if gran else [])
        groups = rows[gkeys].drop_duplicates() if gkeys else pd.DataFrame(index=[0])
        for part in plain:
            values = _per_part(rows, part, gkeys, data) if part.per else _part(rows, part, gkeys, data)
            groups = _attach(groups, values.rename(part.name), gkeys)
        pieces.append(groups)
    for part in kpi.parts:
        if part.active:
            pieces.append(_active(df, part, keys, gran, filters))
    frame = pieces[0]
    for piece in pieces[1:]:
        gkeys = keys + (["period"] if gran else [])
        frame = frame.merge(piece, on=gkeys, how="outer") if gkeys else pd.concat([frame, piece], axis=1)
    return frame.reset_index(drop=True)


def _mask(df: pd.DataFrame, conditions: tuple[Condition, ...]) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for c in conditions:
        s = df[c.field]
        if c.op == "is_null":
            m = s.isna() if c.value else s.notna()
        elif c.op == "in":
            m = s.isin(list(c.value))
        else:
            m = {"eq": s.eq, "gte": s.ge, "gt": s.gt, "lte": s.le, "lt": s.lt}[c.op](c.value)
        mask &= m.fillna(False).astype(bool)
    return mask


def _rows(df: pd.DataFrame, part: Part, data: dict) -> pd.DataFrame:
    mask = _mask(df, part.where)
    if part.exists:
        e = part.exists
        last = data[e.entity].groupby(e.key)[e.field].max()
        found = pd.Series(last.reindex(df[e.key].to_numpy()).to_numpy(), index=df.index, dtype=last.dtype)
        later = found > df[e.than]
        mask &= later.fillna(False).astype(bool)
    rows = df[mask]
    if part.duration:
        seconds = 86400.0 if part.duration.unit == "days" else 3600.0
        delta = rows[part.duration.end] - rows[part.duration.start]
        rows = rows.assign(_x=delta.dt.total_seconds() / seconds)
    elif part.field:
        rows = rows.assign(_x=rows[part.field])
    return rows


def _aggregate(grouped, agg: Agg, has_value: bool):
    if agg is Agg.COUNT:
        return grouped["_x"].count() if has_value else grouped.size()
    col = grouped["_x"]
    return {Agg.COUNT_DISTINCT: col.nunique, Agg.SUM: col.sum, Agg.MEAN: col.mean, Agg.MEDIAN: col.median,
            Agg.MIN: col.min, Agg.MAX: col.max}[agg]()


def _part(df: pd.DataFrame, part: Part, keys: list, data: dict) -> pd.Series:
    rows = _rows(df, part, data)
    if not keys:
        rows = rows.assign(_all=0)
    result = _aggregate(rows.groupby(keys or ["_all"], dropna=False), part.agg, "_x" in rows.columns)
    return result.astype("float64")


def _per_part(df: pd.DataFrame, part: Part, keys: list, data: dict) -> pd.Series:
    rows = _rows(df, part, data)
    rows = rows[rows[part.per].notna()]
    if not keys:
        rows = rows.assign(_all=0)
    inner = _aggregate(rows.groupby((keys or ["_all"]) + [part.per], dropna=False), part.agg, "_x" in rows.columns)
    ok = pd.Series(True, index=inner.index)
    for op, v in part.having or (("gt", 0.0),):
        ok &= {"gte": inner.ge, "gt": inner.gt, "lte": inner.le, "lt": inner.lt}[op](v)
    return inner[ok].groupby(level=list(range(len(keys or ["_all"]))), dropna=False).size().astype("float64")


def _attach(groups: pd.DataFrame, values: pd.Series, keys: list) -> pd.DataFrame:
    if not keys:
        return groups.assign(**{values.name: values.get(0, np.nan)})
    return groups.merge(values.reset_index(), on=keys, how="left")


def _active(df: pd.DataFrame, part: Part, keys: list, gran: str | None, filters: Filters) -> pd.DataFrame:
    """Rows active at each period's start T: (from empty or < T) and (to empty or >= T)."""
    rows = df[_mask(df, part.where)]
    start, end = rows[part.active.start], rows[part.active.end]
    if not gran:
        mask = pd.Series(True, index=rows.index)
        if filters.start:
            t = pd.Timestamp(filters.start)
            mask = (start.isna() | (start < t)) & (end.isna() | (end >= t))
        counted = rows[mask.fillna(False).astype(bool)].assign(_all=0)
        counts = counted.groupby(keys or ["_all"], dropna=False).size().rename(part.name).astype("float64")
        if not keys:
            return pd.DataFrame({part.name: [float(counts.get(0, 0))]})
        return rows[keys].drop_duplicates().merge(counts.reset_index(), on=keys, how="left")
    last = end.where(start.isna() | (end >= start), start).where(end.notna())
    grid = pd.concat([rows[keys].assign(_p=_period_start(start, gran)),
                      rows[keys].assign(_p=_period_start(last, gran))]).dropna(subset=["_p"]).drop_duplicates()
    if filters.start:
        grid = grid[grid["_p"] >= _period_start(pd.Series([pd.Timestamp(filters.start)]), gran)[0]]
    if filters.end:
        grid = grid[grid["_p"] < pd.Timestamp(filters.end)]
    found = []
    for t in sorted(grid["_p"].unique()):
        active = rows[((start.isna() | (start < t)) & (end.isna() | (end >= t))).fillna(False).astype(bool)]
        at = grid[grid["_p"] == t]
        if keys:
            counts = active.groupby(keys, dropna=False).size().rename(part.name).reset_index()
            at = at.merge(counts, on=keys, how="left")
        else:
            at = at.assign(**{part.name: float(len(active))})
        found.append(at)
    cols = [*keys, "period", part.name]
    if not found:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == part.name else "string") for c in cols})
    out = pd.concat(found, ignore_index=True)
    return out.assign(period=_label(out["_p"], gran))[cols]


def _period_start(s: pd.Series, gran: str) -> pd.Series:
    return s.dt.to_period(_FREQ[gran]).dt.start_time.astype("datetime64[us]")


def _label(s: pd.Series, gran: str) -> pd.Series:
    """``2024-03``, ``2024-Q1`` or ``2024`` for each period start (formatted once per distinct period)."""
    codes, starts = pd.factorize(s)
    names = {"month": [f"{t.year}-{t.month:02d}" for t in starts], "year": [f"{t.year}" for t in starts],
             "quarter": [f"{t.year}-Q{(t.month - 1) // 3 + 1}" for t in starts]}[gran]
    labels = np.array(names + [None], dtype=object)
    return pd.Series(labels[codes], index=s.index, dtype="string")
