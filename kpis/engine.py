"""The KPI engine: compute catalogue KPIs on canonical data with DuckDB.

It reads through the query package (``sources``): a ``Source`` opens one cursor of the process's
in-memory DuckDB per call, with a view per entity the KPIs read (DataFrames registered zero-copy,
Parquet files read in place). All parts of all requested KPIs that share an entity and a grouping
are computed in one scan (``kpis.sql``); the formulas then run on the small aggregated table. A
stored dataset's pre-aggregates (``kpis.aggregates``) answer every KPI they can exactly, before
any raw row is read.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import pandas as pd

from core.errors import InputError, Problem
from core.query import Filters, Granularity
from data.schema import CUSTOMER_DIMENSIONS, load_schema
from kpis.aggregates import answer, find_aggregates, stored_answer
from kpis.catalogue import Catalogue, load_catalogue
from kpis.definitions import Agg, Kind, KpiDefinition, Part
from kpis.results import arrange, assemble, external_rows
from kpis.sql import Scan, compile_scan
from kpis.tables import kpi_table
from sources.dimensions import Dimensions
from sources.source import Query, Source, as_source

SourceLike = Source | Mapping[str, "pd.DataFrame | Path"]  # a mapping is wrapped once (as_source)


def resolve_kpis(kpi_ids: Iterable[str] | str, catalogue: Catalogue | None = None) -> tuple[KpiDefinition, ...]:
    """The definitions for ``kpi_ids`` (``"all"`` for the whole catalogue); unknown ids -> InputError."""
    cat = catalogue or load_catalogue()
    ids = [kpi_ids] if isinstance(kpi_ids, str) else list(kpi_ids)
    if ids == ["all"]:
        return cat.kpis
    unknown = [i for i in ids if i not in cat.ids]
    if unknown:
        raise InputError(f"unknown KPI id{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
                         [Problem("--kpi", f"{i!r} is not in the catalogue", key="kpi.not_in_catalogue",
                                  values=(("kpi", i),)) for i in unknown],
                         hint="python cli.py kpi list shows the ids", key="kpi.unknown_ids",
                         hint_key="kpi.unknown_ids_hint", values={"ids": ", ".join(unknown)})
    return tuple(cat.get(i) for i in dict.fromkeys(ids))


def dimension_column(kpi: KpiDefinition, name: str, columns: Iterable[str], dims: Dimensions | None = None
                     ) -> str | None:
    """The column of the KPI's entity that answers ``name``: declared dimension (under the name or
    its alias, ``sources.dimensions``; the shipped schema's unless ``dims``), or a kept column."""
    return (dims or Dimensions(load_schema())).declared(kpi.entity, name, dict(kpi.dimensions), columns)


def compute(source: SourceLike, kpi_ids: Iterable[str] | str, by: Iterable[str] = (),
            period: Granularity | str | None = None, filters: Filters | None = None,
            external: Mapping[str, float] | None = None, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The KPI table for ``kpi_ids`` sliced by ``by`` and ``period``; see ``kpis.results`` for columns.

    When ``source`` is a stored dataset with current pre-aggregates (``kpis.aggregates``), every KPI
    they answer exactly is rolled up from them; the others are computed from the raw rows. A plain
    mapping of entity -> DataFrame or Parquet path is read as ``sources.source.as_source`` says."""
    return _compute(source, kpi_ids, by, period, filters, external, catalogue, use_aggregates=True)


def compute_from_raw(source: SourceLike, kpi_ids: Iterable[str] | str, by: Iterable[str] = (),
                     period: Granularity | str | None = None, filters: Filters | None = None,
                     external: Mapping[str, float] | None = None, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """``compute`` from the raw rows only, ignoring any pre-aggregates (the cold path)."""
    return _compute(source, kpi_ids, by, period, filters, external, catalogue, use_aggregates=False)


def _compute(source: SourceLike, kpi_ids, by, period, filters, external, catalogue, use_aggregates: bool
             ) -> pd.DataFrame:
    src = as_source(source)
    dims = src.dimensions
    kpis = resolve_kpis(kpi_ids, catalogue)
    by = tuple(dict.fromkeys(by))
    gran = Granularity(period).value if period else None
    filters = filters or Filters()
    keys = [*by, *(["period"] if gran else [])]
    computed = [k for k in kpis if k.kind is Kind.COMPUTED]
    stored = find_aggregates(src) if use_aggregates else None
    answered: dict[str, pd.DataFrame] = {}
    if stored is not None and stored.columns():
        _check_dimensions(dims, computed, by, filters, stored.columns())
        whole = stored_answer(stored, kpis, by, gran, filters, keys, external)
        if whole is not None:
            return whole
        answered = answer(stored, dims, computed, by, gran, filters, keys, stored.columns())
        if answered and len(answered) == len(kpis):  # all from the aggregates: one table, no frame per KPI
            return kpi_table(kpis, answered, keys)
    raw = [k for k in computed if k.id not in answered]
    results = {}
    if raw or not answered:
        with src.open(_entities(computed)) as query:
            _check_dimensions(dims, computed, by, filters, query.columns)
            results = _compute_scans(query, dims, raw, by, gran, filters, query.columns)
    frames = []
    for kpi in kpis:
        if kpi.kind is Kind.EXTERNAL:
            frames.append(external_rows(kpi, keys, external))
        elif kpi.id in answered:
            frames.append(assemble(kpi, pd.DataFrame(answered[kpi.id]), keys))
        else:
            frames.append(assemble(kpi, _join_parts(kpi, results, by, gran), keys))
    return arrange(frames, [k.id for k in kpis], keys)


def _compute_scans(query: Query, dims: Dimensions, computed: list[KpiDefinition], by: tuple[str, ...],
                   gran: str | None, filters: Filters, columns: dict[str, set[str]]) -> dict:
    """Every part of ``computed`` from the raw rows: one query per scan (entity and grouping)."""
    per_keys = {(k.entity, p.per) for k in computed for p in k.parts if p.per}
    scans: dict[Scan, list[tuple[KpiDefinition, Part]]] = {}
    for kpi in computed:
        for part in kpi.parts:
            if part.agg is Agg.COUNT_DISTINCT and not part.per and (kpi.entity, part.field) in per_keys:
                # distinct keys = keys with a matching row: answered by the per-key scan already made
                part = replace(part, agg=Agg.COUNT, field=None, per=part.field)
            scans.setdefault(_scan(kpi, part, by, gran, filters, columns[kpi.entity], dims), []).append((kpi, part))
    work = list(scans.items())
    uniques = {scan: list(dict.fromkeys(replace(p, name="") for _, p in members)) for scan, members in work}
    frames = {scan: _run(query, scan, tuple(uniques[scan]), filters) for scan, _ in work}
    results: dict[tuple[str, str], tuple[pd.DataFrame, str]] = {}
    for scan, members in work:
        for kpi, part in members:
            results[(kpi.id, part.name)] = (frames[scan], f"p{uniques[scan].index(replace(part, name=''))}")
    return results


def _entities(kpis: list[KpiDefinition]) -> set[str]:
    """The entities the KPIs read: their own, customers (for the customer dimensions), exists targets."""
    out = {k.entity for k in kpis} | {p.exists.entity for k in kpis for p in k.parts if p.exists}
    return out | {"customers"} if out else out


def _check_dimensions(dims: Dimensions, kpis: list[KpiDefinition], by: tuple[str, ...], filters: Filters,
                      columns: dict[str, set[str]]) -> None:
    """A --by or --filter field that no requested KPI can slice by is an error naming it."""
    unknown = [(flag, d) for flag, names in (("--by", by), ("--filter", [n for n, _ in filters.dimensions]))
               for d in names if not any(dimension_column(k, d, columns[k.entity], dims) for k in kpis)]
    missing = [(k.id, c) for k in kpis for c in k.kept if c not in columns[k.entity]]
    if missing:
        raise InputError("kept columns missing from the data: " + ", ".join(c for _, c in missing),
                         [Problem(f"{kpi_id}.kept", f"{c!r} is not a column of the data", key="kpi.kept_not_column",
                                  values=(("column", c),)) for kpi_id, c in missing],
                         hint="keep the column in the import mapping (keep: [...])", key="kpi.kept_missing",
                         hint_key="kpi.kept_missing_hint", values={"columns": ", ".join(c for _, c in missing)})
    if kpis and unknown:
        problems = [Problem(flag, f"{d!r} is no dimension of the requested KPIs", key="kpi.no_dimension",
                            values=(("field", d),)) for flag, d in unknown]
        names = ", ".join(d for _, d in unknown)
        raise InputError(f"unknown field{'s' if len(unknown) > 1 else ''}: {names}", problems,
                         hint="use a dimension listed in docs/kpis.md (python cli.py kpi list --format json) "
                              "or a kept column", key="kpi.unknown_fields", hint_key="kpi.unknown_fields_hint",
                         values={"fields": names})


def _scan(kpi: KpiDefinition, part: Part, by: tuple[str, ...], gran: str | None, filters: Filters,
          columns: set[str], dimensions: Dimensions) -> Scan:
    dims = tuple((b, col) for b in by if (col := dimension_column(kpi, b, columns, dimensions)))
    flt = tuple((name, col, len(values)) for name, values in filters.dimensions
                if (col := dimension_column(kpi, name, columns, dimensions)))
    used = {c for _, c in dims} | {c for _, c, _ in flt}
    join = kpi.entity != "customers" and "customer_id" in columns and bool(used & set(CUSTOMER_DIMENSIONS))
    kind = "active" if part.active else "per" if part.per else "plain"
    sliced = gran is not None or filters.start is not None or filters.end is not None
    return Scan(kpi.entity, kind, part.per, dims, kpi.date_field if sliced else None, gran,
                filters.start is not None, filters.end is not None, flt, join)


def _run(query: Query, scan: Scan, parts: tuple[Part, ...], filters: Filters) -> pd.DataFrame:
    sql, static = compile_scan(scan, parts)
    params = dict(static)
    values = dict(filters.dimensions)
    for i, (name, _, _) in enumerate(scan.filters):
        params.update({f"f{i}_{j}": v for j, v in enumerate(values[name])})
    if "$start" in sql:
        params["start"] = pd.Timestamp(filters.start).to_pydatetime()
    if "$end" in sql:
        params["end"] = pd.Timestamp(filters.end).to_pydatetime()
    frame = query.run(sql, params)
    frame.columns = [scan.dims[int(c[1:])][0] if c[0] == "d" and c[1:].isdigit() else c for c in frame.columns]
    for c in frame.columns:  # plain objects: the per-KPI slicing is cheaper; arrange types them once
        if frame[c].dtype == "str":
            frame[c] = frame[c].astype(object)
    return frame


def _join_parts(kpi: KpiDefinition, results: dict, by: tuple[str, ...], gran: str | None) -> pd.DataFrame:
    """One frame per KPI: its parts side by side, outer-joined on the slice keys."""
    merged: pd.DataFrame | None = None
    seen: dict[int, pd.DataFrame] = {}
    for part in kpi.parts:
        frame, col = results[(kpi.id, part.name)]
        seen.setdefault(id(frame), frame)
    for frame in seen.values():
        keys = [c for c in (*by, "period") if c in frame.columns]
        cols = {col: part.name for part in kpi.parts
                for f, col in [results[(kpi.id, part.name)]] if f is frame}
        piece = frame[keys + list(cols)]
        piece.columns = keys + list(cols.values())
        if merged is None:
            merged = piece
        elif keys:
            merged = merged.merge(piece, on=keys, how="outer")
        else:
            merged = pd.concat([merged.reset_index(drop=True), piece.reset_index(drop=True)], axis=1)
    return merged
