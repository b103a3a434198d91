"""Answering KPI questions from a stored dataset's pre-aggregates (``kpis.cubes`` says what they
hold; ``kpis.prebuild`` writes them after an import).

A question of a stored shape is a slice of an exact table (``stored_answer``: no database at all);
otherwise ``answer`` rolls the cubes up (month -> quarter/year, dimension filters, date ranges on
month boundaries) for the additive KPIs, and the engine reads the raw rows for the rest (and for
kept columns or ranges inside a month). Aggregates are used only when the source names their folder
(``sources.source.StoredDataset``) and the sizes and times of its Parquet files match their manifest.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core.query import Filters, period_sql
from kpis.cubes import MANIFEST, additive, cube_name, exact_file, fingerprint, measure_names
from kpis.definitions import Agg, Kind, KpiDefinition
from kpis.results import BASE_COLUMNS, external_rows
from sources import connection
from sources.connection import quote
from sources.dimensions import Dimensions
from sources.source import Source, StoredDataset


@dataclass(frozen=True)
class Aggregates:
    folder: Path
    manifest: dict

    def columns(self) -> dict[str, set[str]]:
        return {n: set(c) for n, c in self.manifest.get("columns", {}).items()}

    def exact(self, by: tuple[str, ...], gran: str | None, filters: Filters) -> tuple[Path, dict] | None:
        """The stored engine result for this question shape (no filters), if any."""
        if filters.dimensions or filters.start is not None or filters.end is not None:
            return None
        name = exact_file(by, gran)
        entry = self.manifest["exact"].get(name)
        return (self.folder / name, entry) if entry else None


@lru_cache(maxsize=32)
def _manifest(path: Path, stamp: tuple[int, int]) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def _table(path: Path, stamp: tuple[int, int]) -> pd.DataFrame:
    """An aggregate file as a frame (kept in memory: the cubes are small, like an OLAP server's)."""
    import pyarrow as pa  # first use only: the app's first page may answer without it
    import pyarrow.parquet as pq

    mapper = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get
    return pq.read_table(path).to_pandas(types_mapper=mapper)


def stamp(path: Path) -> tuple[int, int]:
    """What marks a file as changed: modification time and size."""
    return path.stat().st_mtime_ns, path.stat().st_size


def load_table(path: Path) -> pd.DataFrame:
    return _table(path, stamp(path))


def find_aggregates(source: Source) -> Aggregates | None:
    """The source's pre-aggregates, when it names a folder of them built for exactly its files."""
    if not isinstance(source, StoredDataset) or source.aggregates is None or not source.files:
        return None
    file = source.aggregates / MANIFEST
    if not file.is_file():
        return None
    manifest = _manifest(file, stamp(file))
    sizes = manifest.get("sources", {})
    if any(list(stamp(p)) != sizes.get(n) for n, p in source.files.items()):
        return None  # the data changed after the aggregates were built
    return Aggregates(source.aggregates, manifest)


def stored_answer(agg: Aggregates, kpis: tuple[KpiDefinition, ...], by: tuple[str, ...], gran: str | None,
                  filters: Filters, keys: list[str], external: Mapping[str, float] | None = None
                  ) -> pd.DataFrame | None:
    """The whole KPI table straight from a stored engine result, when every computed KPI asked is
    in it (same definition) and the question has a stored shape; else None."""
    found = agg.exact(by, gran, filters)
    if found is None or not kpis:
        return None
    path, entry = found
    computed = [k for k in kpis if k.kind is Kind.COMPUTED]
    if any(entry["kpis"].get(k.id) != fingerprint(k) for k in computed):
        return None
    table = load_table(path)
    rank = {k.id: i for i, k in enumerate(kpis)}
    rows = table[table["kpi"].isin([k.id for k in computed])]
    present = set(rows["kpi"])  # a KPI without rows adds no part columns (as in ``arrange``)
    extra = list(dict.fromkeys(p.name for k in kpis if k.id in present for p in k.parts
                               if p.name not in BASE_COLUMNS))
    columns = ["kpi", *keys, *BASE_COLUMNS, *extra]
    rows = rows[columns]
    outside = [external_rows(k, keys, external) for k in kpis if k.kind is not Kind.COMPUTED]
    if outside:
        rows = pd.concat([rows, *outside], ignore_index=True)[columns]
        for c in ("kpi", *keys):
            rows[c] = rows[c].astype("string")
        for c in (*BASE_COLUMNS, *extra):
            rows[c] = rows[c].astype("float64")
    order = rows["kpi"].map(rank).astype("int64")
    out = rows.assign(_rank=order).sort_values(["_rank", *keys], na_position="last", kind="stable")
    return out[columns].reset_index(drop=True)


def answer(agg: Aggregates, dims: Dimensions, kpis: Iterable[KpiDefinition], by: tuple[str, ...],
           gran: str | None, filters: Filters, keys: list[str], columns: Mapping[str, set[str]]
           ) -> dict[str, pd.DataFrame]:
    """Per KPI id the frame of keys and part columns (input of ``kpis.results.assemble``), for those
    KPIs the aggregates can answer exactly; the others are left out."""
    out: dict[str, pd.DataFrame] = {}
    exact = agg.exact(by, gran, filters)
    queries: dict[tuple, list[KpiDefinition]] = {}
    for kpi in kpis:
        if exact and exact[1]["kpis"].get(kpi.id) == fingerprint(kpi):
            out[kpi.id] = _exact_rows(exact[0], kpi, keys)
            continue
        cube = agg.manifest["cubes"].get(cube_name(kpi.entity, kpi.date_field))
        if cube is None or not all(additive(p) for p in kpi.parts) or not _month_aligned(filters):
            continue
        cols, declared = columns[kpi.entity], dict(kpi.dimensions)
        sliced = tuple((b, c) for b in by if (c := dims.declared(kpi.entity, b, declared, cols)))
        flt = tuple((c, values) for n, values in filters.dimensions
                    if (c := dims.declared(kpi.entity, n, declared, cols)))
        used = [c for _, c in sliced] + [c for c, _ in flt]
        needed = [m for p in kpi.parts for m in measure_names(p)]
        if any(c not in cube["dims"] for c in used) or any(m not in cube["measures"] for m in needed):
            continue
        queries.setdefault((cube_name(kpi.entity, kpi.date_field), sliced, flt), []).append(kpi)
    if not queries:
        return out
    con = connection.cursor()
    try:
        for (name, sliced, flt), members in queries.items():
            frame = _rollup(con, agg.folder / f"{name}.parquet", members, sliced, flt, gran, filters)
            for kpi in members:
                cols = {f"{kpi.id}:{p.name}": p.name for p in kpi.parts}
                out[kpi.id] = frame[[k for k in keys if k in frame.columns] + list(cols)].rename(columns=cols)
    finally:
        con.close()
    return out


def _month_aligned(filters: Filters) -> bool:
    return all(d is None or pd.Timestamp(d).day == 1 and pd.Timestamp(d) == pd.Timestamp(d).normalize()
               for d in (filters.start, filters.end))


def _rollup(con, path: Path, kpis: list[KpiDefinition], dims: tuple, flt: tuple, gran: str | None,
            filters: Filters) -> pd.DataFrame:
    params: dict = {}
    keys = [f"{quote(c)} AS {quote(b)}" for b, c in dims]
    group = [quote(b) for b, _ in dims]
    if gran:
        start = "date_trunc('%s', _month)" % gran  # a month rolls up into its quarter and year
        keys.append(f"{period_sql(start, gran)} AS period")
        group.append("period")
    rollup = {Agg.MEAN: "CASE WHEN sum({1}) > 0 THEN sum({0}) / sum({1}) END",  # a mean: sum / count
              Agg.SUM: "CAST(coalesce(sum({0}), 0) AS DOUBLE)", Agg.COUNT: "CAST(sum({0}) AS DOUBLE)"}
    cols = [f"{rollup[p.agg].format(*measure_names(p))} AS {quote(f'{k.id}:{p.name}')}" for k in kpis for p in k.parts]
    conds = []
    for i, (c, values) in enumerate(flt):
        params.update({f"f{i}_{j}": v for j, v in enumerate(values)})
        conds.append(f"CAST({quote(c)} AS VARCHAR) IN ({', '.join(f'$f{i}_{j}' for j in range(len(values)))})")
    if gran or filters.start is not None or filters.end is not None:
        conds.append("_month IS NOT NULL")
    for name, day, op in (("start", filters.start, ">="), ("end", filters.end, "<")):
        if day is not None:
            params[name] = pd.Timestamp(day).to_pydatetime()
            conds.append(f"_month {op} ${name}")
    con.register("_cube", load_table(path))
    sql = (f"SELECT {', '.join(keys + cols)} FROM _cube"
           + (f" WHERE {' AND '.join(conds)}" if conds else "")
           + (f" GROUP BY {', '.join(group)}" if group else ""))
    return con.execute(sql, params).df()


def _exact_rows(path: Path, kpi: KpiDefinition, keys: list[str]) -> pd.DataFrame:
    table = load_table(path)
    frame = table[table["kpi"] == kpi.id]
    wanted = [k for k in keys if k in frame.columns] + [p.name for p in kpi.parts]
    return frame.reindex(columns=wanted).reset_index(drop=True)  # no rows: the part columns may be absent
