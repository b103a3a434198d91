"""The KPI engine: compute catalogue KPIs on canonical data with DuckDB.

One DuckDB connection per call; DataFrames are registered (zero-copy), Paths read as Parquet.
All parts of all requested KPIs that share an entity and a grouping are computed in one scan
(``kpis.sql``); the formulas then run on the small aggregated table.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

from core.errors import InputError, Problem
from core.query import Filters, Granularity
from data.schema import CUSTOMER_DIMENSIONS, load_schema
from kpis.catalogue import Catalogue, load_catalogue
from kpis.definitions import Agg, Kind, KpiDefinition, Part
from kpis.results import arrange, assemble, external_rows
from kpis.sql import Scan, compile_scan, quote

Source = Mapping[str, "pd.DataFrame | Path"]
_SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "category": "VARCHAR", "date": "TIMESTAMP",
              "number": "DOUBLE", "integer": "BIGINT", "boolean": "BOOLEAN"}
FILTER_ALIASES = {"campaign": "campaign_id"}


def resolve_kpis(kpi_ids: Iterable[str] | str, catalogue: Catalogue | None = None) -> tuple[KpiDefinition, ...]:
    """The definitions for ``kpi_ids`` (``"all"`` for the whole catalogue); unknown ids -> InputError."""
    cat = catalogue or load_catalogue()
    ids = [kpi_ids] if isinstance(kpi_ids, str) else list(kpi_ids)
    if ids == ["all"]:
        return cat.kpis
    unknown = [i for i in ids if i not in cat.ids]
    if unknown:
        raise InputError(f"unknown KPI id{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
                         [Problem("--kpi", f"{i!r} is not in the catalogue") for i in unknown],
                         hint="python cli.py kpi list shows the ids")
    return tuple(cat.get(i) for i in dict.fromkeys(ids))


def dimension_column(kpi: KpiDefinition, name: str, columns: Iterable[str]) -> str | None:
    """The column of the KPI's entity that answers ``name``: declared dimension, or a kept column."""
    declared = kpi.dimension(name) or kpi.dimension(FILTER_ALIASES.get(name, name))
    if declared:
        return declared
    canonical = set(load_schema()[kpi.entity].field_names)
    return name if name in columns and name not in canonical else None


def compute(source: Source, kpi_ids: Iterable[str] | str, by: Iterable[str] = (),
            period: Granularity | str | None = None, filters: Filters | None = None,
            external: Mapping[str, float] | None = None, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """The KPI table for ``kpi_ids`` sliced by ``by`` and ``period``; see ``kpis.results`` for columns."""
    kpis = resolve_kpis(kpi_ids, catalogue)
    by = tuple(dict.fromkeys(by))
    gran = Granularity(period).value if period else None
    filters = filters or Filters()
    keys = [*by, *(["period"] if gran else [])]
    con = duckdb.connect()
    try:
        columns = _register(con, source)
        computed = [k for k in kpis if k.kind is Kind.COMPUTED]
        _check_dimensions(computed, by, filters, columns)
        per_keys = {(k.entity, p.per) for k in computed for p in k.parts if p.per}
        scans: dict[Scan, list[tuple[KpiDefinition, Part]]] = {}
        for kpi in computed:
            for part in kpi.parts:
                if part.agg is Agg.COUNT_DISTINCT and not part.per and (kpi.entity, part.field) in per_keys:
                    # distinct keys = keys with a matching row: answered by the per-key scan already made
                    part = replace(part, agg=Agg.COUNT, field=None, per=part.field)
                scans.setdefault(_scan(kpi, part, by, gran, filters, columns[kpi.entity]), []).append((kpi, part))
        results: dict[tuple[str, str], tuple[pd.DataFrame, str]] = {}
        for scan, members in scans.items():
            unique = list(dict.fromkeys(replace(p, name="") for _, p in members))  # same aggregate once
            frame = _run(con, scan, tuple(unique), filters)
            for kpi, part in members:
                results[(kpi.id, part.name)] = (frame, f"p{unique.index(replace(part, name=''))}")
    finally:
        con.close()
    frames = []
    for kpi in kpis:
        if kpi.kind is Kind.EXTERNAL:
            frames.append(external_rows(kpi, keys, external))
            continue
        frames.append(assemble(kpi, _join_parts(kpi, results, by, gran), keys))
    return arrange(frames, [k.id for k in kpis], keys)


def _register(con: duckdb.DuckDBPyConnection, source: Source) -> dict[str, set[str]]:
    """A view per canonical entity; missing entities are empty, missing optional columns NULL."""
    out = {}
    for name, schema in load_schema().items():
        src = source.get(name)
        if src is None or isinstance(src, pd.DataFrame) and not len(src.columns):
            src = pd.DataFrame({f.name: pd.Series(dtype=f.type.pandas_dtype) for f in schema.fields})
        if isinstance(src, pd.DataFrame):
            con.register(f"_src_{name}", src)
            present = [str(c) for c in src.columns]
            relation = f"_src_{name}"
        else:
            path = str(Path(src)).replace("'", "''")
            relation = f"read_parquet('{path}')"
            present = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
        missing = [f for f in schema.fields if f.name not in present]
        extra = "".join(f", NULL::{_SQL_TYPES[f.type.value]} AS {quote(f.name)}" for f in missing)
        con.execute(f"CREATE VIEW {quote(name)} AS SELECT *{extra} FROM {relation}")
        out[name] = set(present) | {f.name for f in missing}
    return out


def _check_dimensions(kpis: list[KpiDefinition], by: tuple[str, ...], filters: Filters,
                      columns: dict[str, set[str]]) -> None:
    """A --by or --filter field that no requested KPI can slice by is an error naming it."""
    unknown = [(flag, d) for flag, names in (("--by", by), ("--filter", [n for n, _ in filters.dimensions]))
               for d in names if not any(dimension_column(k, d, columns[k.entity]) for k in kpis)]
    missing = [(k.id, c) for k in kpis for c in k.kept if c not in columns[k.entity]]
    if missing:
        raise InputError("kept columns missing from the data: " + ", ".join(c for _, c in missing),
                         [Problem(f"{kpi_id}.kept", f"{c!r} is not a column of the data") for kpi_id, c in missing],
                         hint="keep the column in the import mapping (keep: [...])")
    if kpis and unknown:
        problems = [Problem(flag, f"{d!r} is no dimension of the requested KPIs") for flag, d in unknown]
        names = ", ".join(d for _, d in unknown)
        raise InputError(f"unknown field{'s' if len(unknown) > 1 else ''}: {names}", problems,
                         hint="use a dimension listed in docs/kpis.md (python cli.py kpi list --format json) "
                              "or a kept column")


def _scan(kpi: KpiDefinition, part: Part, by: tuple[str, ...], gran: str | None, filters: Filters,
          columns: set[str]) -> Scan:
    dims = tuple((b, col) for b in by if (col := dimension_column(kpi, b, columns)))
    flt = tuple((name, col, len(values)) for name, values in filters.dimensions
                if (col := dimension_column(kpi, name, columns)))
    used = {c for _, c in dims} | {c for _, c, _ in flt}
    join = kpi.entity != "customers" and "customer_id" in columns and bool(used & set(CUSTOMER_DIMENSIONS))
    kind = "active" if part.active else "per" if part.per else "plain"
    sliced = gran is not None or filters.start is not None or filters.end is not None
    return Scan(kpi.entity, kind, part.per, dims, kpi.date_field if sliced else None, gran,
                filters.start is not None, filters.end is not None, flt, join)


def _run(con: duckdb.DuckDBPyConnection, scan: Scan, parts: tuple[Part, ...], filters: Filters) -> pd.DataFrame:
    sql, static = compile_scan(scan, parts)
    params = dict(static)
    values = dict(filters.dimensions)
    for i, (name, _, _) in enumerate(scan.filters):
        params.update({f"f{i}_{j}": v for j, v in enumerate(values[name])})
    if "$start" in sql:
        params["start"] = pd.Timestamp(filters.start).to_pydatetime()
    if "$end" in sql:
        params["end"] = pd.Timestamp(filters.end).to_pydatetime()
    frame = con.execute(sql, params).df()
    return frame.rename(columns={f"d{i}": name for i, (name, _) in enumerate(scan.dims)})


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
        piece = frame[keys + list(cols)].rename(columns=cols)
        if merged is None:
            merged = piece
        elif keys:
            merged = merged.merge(piece, on=keys, how="outer")
        else:
            merged = pd.concat([merged.reset_index(drop=True), piece.reset_index(drop=True)], axis=1)
    return merged
