"""Pre-aggregation (OLAP cubes) of a stored dataset, and answering KPI questions from them.

When a dataset version is written (``storage.datasets.AFTER_WRITE``), ``build_aggregates`` stores
in ``aggregates/`` beside the Parquet files: one *cube* per entity and date field (rows grouped by
month x every dimension column of its KPIs, customer dimensions joined, with conditional counts
and sums of every additive part; a mean is a sum and a count), and *exact* tables: the engine's
own result of the whole catalogue for the default question shapes (``EXACT_SHAPES``: no filter,
overall or by channel, per month/quarter/year or in total), which also hold the KPIs that do not
add up (distinct counts, medians, per-key counts, exists, active at period start).

A question of a stored shape is a slice of an exact table; otherwise ``answer`` rolls the cubes up
(month -> quarter/year, dimension filters, date ranges on month boundaries) for the additive KPIs,
and the engine reads the raw rows for the rest (and for kept columns or ranges inside a month).
Aggregates are current while the sizes and times of the Parquet files match their manifest.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core.errors import InputError
from core.query import Filters, period_sql
from data.schema import CUSTOMER_DIMENSIONS
from kpis.definitions import Agg, Kind, KpiDefinition, Part
from kpis.sql import _condition, quote

FOLDER = "aggregates"
MANIFEST = "manifest.json"
EXACT_SHAPES = (((), None), ((), "month"), ((), "quarter"), ((), "year"), (("channel",), None),
                (("channel",), "month"))
_MEASURE_AGGS = (Agg.COUNT, Agg.SUM, Agg.MEAN)


def additive(part: Part) -> bool:
    """True when the part is a sum of per-row contributions (so a cube can hold it)."""
    return part.agg in _MEASURE_AGGS and not (part.per or part.exists or part.active)


def measure_names(part: Part) -> tuple[str, ...]:
    """The cube columns of an additive part: ``n_<hash>`` (count) and/or ``s_<hash>`` (sum)."""
    key = hashlib.sha1(repr((part.field, part.duration, part.where)).encode()).hexdigest()[:12]
    return {Agg.COUNT: (f"n_{key}",), Agg.SUM: (f"s_{key}",), Agg.MEAN: (f"s_{key}", f"n_{key}")}[part.agg]


def _measures_sql(part: Part, params: dict) -> dict[str, str]:
    cond = " AND ".join(_condition(c, params) for c in part.where)
    flt = f" FILTER (WHERE {cond})" if cond else ""
    x = quote(part.field) if part.field else "*"
    if part.duration:
        seconds = 86400.0 if part.duration.unit == "days" else 3600.0
        x = f"(epoch({quote(part.duration.end)}) - epoch({quote(part.duration.start)})) / {seconds}"
    return {name: f"{'count' if name.startswith('n_') else 'sum'}({x}){flt}" for name in measure_names(part)}


def fingerprint(kpi: KpiDefinition) -> str:
    """Changes whenever the KPI's computation changes (an exact table of another definition is stale)."""
    return hashlib.sha1(repr((kpi.entity, kpi.date_field, kpi.dimensions, kpi.kept, kpi.parts,
                              kpi.formula)).encode()).hexdigest()[:16]


def cube_name(entity: str, date_field: str | None) -> str:
    return f"{entity}__{date_field or 'all'}"


def build_aggregates(folder: str | Path, catalogue=None) -> dict:
    """Write ``folder/aggregates`` for the entity Parquet files in ``folder``; returns the manifest."""
    import duckdb
    import pyarrow.parquet as pq

    from kpis.catalogue import load_catalogue
    from kpis.engine import compute_from_raw, register_sources

    folder = Path(folder)
    out = folder / FOLDER
    out.mkdir(exist_ok=True)
    paths = {p.stem: p for p in folder.glob("*.parquet")}
    kpis = [k for k in (catalogue or load_catalogue()) if k.kind is Kind.COMPUTED]
    manifest = {"sources": {n: list(_stamp(p)) for n, p in paths.items()}, "cubes": {}, "exact": {}}
    con = duckdb.connect(config={"threads": 2})
    try:
        columns = register_sources(con, paths)
        manifest["columns"] = {n: sorted(c) for n, c in columns.items()}
        groups: dict[tuple[str, str | None], list[KpiDefinition]] = {}
        for kpi in kpis:
            if kpi.entity in paths and any(additive(p) for p in kpi.parts):
                groups.setdefault((kpi.entity, kpi.date_field), []).append(kpi)
        for (entity, date_field), members in groups.items():
            name = cube_name(entity, date_field)
            dims = [c for c in dict.fromkeys(c for k in members for _, c in k.dimensions)]
            join = entity != "customers" and "customer_id" in columns[entity] and any(
                d in CUSTOMER_DIMENSIONS for d in dims)
            params: dict = {}
            measures: dict[str, str] = {}
            for part in (p for k in members for p in k.parts if additive(p)):
                measures.update(_measures_sql(part, params))
            sql = _cube_sql(entity, date_field, dims, measures, join)
            table = con.sql(sql, params=params).to_arrow_table()
            pq.write_table(table, out / f"{name}.parquet", compression="zstd")
            manifest["cubes"][name] = {"entity": entity, "date_field": date_field, "dims": dims,
                                       "measures": sorted(measures), "rows": table.num_rows}
    finally:
        con.close()
    exact = [k for k in kpis if k.entity in paths]  # a KPI without a ``by`` field: unsliced, as in compute
    for by, gran in EXACT_SHAPES:
        try:
            table = compute_from_raw(paths, [k.id for k in exact], by=by, period=gran, catalogue=catalogue)
        except InputError:  # no KPI of the catalogue has that dimension
            continue
        table.to_parquet(out / _exact_file(by, gran), index=False)
        manifest["exact"][_exact_file(by, gran)] = {"by": list(by), "period": gran,
                                                    "kpis": {k.id: fingerprint(k) for k in exact}}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def _cube_sql(entity: str, date_field: str | None, dims: list[str], measures: dict[str, str], join: bool) -> str:
    """Rows of ``entity`` grouped by month and ``dims``; customer dimensions joined as ``_c_<name>``
    (so the measures' unqualified column names always mean the entity's own columns)."""
    def col(name: str) -> str:
        return quote(f"_c_{name}") if join and name in CUSTOMER_DIMENSIONS else f"t.{quote(name)}"

    month = f"date_trunc('month', t.{quote(date_field)})" if date_field else "NULL::TIMESTAMP"
    keys = [f"{month} AS _month"] + [f"{col(d)} AS {quote(d)}" for d in dims]
    cols = keys + [f"{expr} AS {name}" for name, expr in measures.items()]
    joins = ""
    if join:
        cdims = ", ".join(f"min({quote(d)}) AS {quote('_c_' + d)}" for d in CUSTOMER_DIMENSIONS)
        joins = (f" LEFT JOIN (SELECT customer_id AS _c_key, {cdims} FROM customers GROUP BY customer_id) c"
                 " ON t.customer_id = c._c_key")
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    return f"SELECT {', '.join(cols)} FROM {quote(entity)} t{joins} GROUP BY {group}"


# --- reading -------------------------------------------------------------------------------------

def _exact_file(by: tuple[str, ...], gran: str | None) -> str:
    return f"exact__{'-'.join(by) or 'all'}__{gran or 'total'}.parquet"


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
        name = _exact_file(by, gran)
        entry = self.manifest["exact"].get(name)
        return (self.folder / name, entry) if entry else None


@lru_cache(maxsize=32)
def _manifest(path: Path, stamp: tuple[int, int]) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def _table(path: Path, stamp: tuple[int, int]) -> pd.DataFrame:
    """An aggregate file as a frame (kept in memory: the cubes are small, like an OLAP server's)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    mapper = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get
    return pq.read_table(path).to_pandas(types_mapper=mapper)


def _stamp(path: Path) -> tuple[int, int]:
    return path.stat().st_mtime_ns, path.stat().st_size


def load_table(path: Path) -> pd.DataFrame:
    return _table(path, _stamp(path))


def find_aggregates(source: Mapping[str, object]) -> Aggregates | None:
    """The aggregates stored beside the Parquet files of ``source``, when they are current."""
    paths = [Path(p) for p in source.values() if isinstance(p, (str, Path))]
    if not paths or len(paths) != len(source):
        return None
    folder = paths[0].parent
    file = folder / FOLDER / MANIFEST
    if any(p.parent != folder for p in paths) or not file.is_file():
        return None
    manifest = _manifest(file, _stamp(file))
    sizes = manifest.get("sources", {})
    if any(list(_stamp(Path(p))) != sizes.get(n) for n, p in source.items()):
        return None  # the data changed after the aggregates were built
    return Aggregates(folder / FOLDER, manifest)


def stored_answer(agg: Aggregates, kpis: tuple[KpiDefinition, ...], by: tuple[str, ...], gran: str | None,
                  filters: Filters, keys: list[str], external: Mapping[str, float] | None = None
                  ) -> pd.DataFrame | None:
    """The whole KPI table straight from a stored engine result, when every computed KPI asked is
    in it (same definition) and the question has a stored shape; else None."""
    from kpis.results import BASE_COLUMNS, external_rows

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


def answer(con, agg: Aggregates, kpis: Iterable[KpiDefinition], by: tuple[str, ...], gran: str | None,
           filters: Filters, keys: list[str], columns: Mapping[str, set[str]]) -> dict[str, pd.DataFrame]:
    """Per KPI id the frame of keys and part columns (input of ``kpis.results.assemble``), for those
    KPIs the aggregates can answer exactly; the others are left out."""
    from kpis.engine import dimension_column

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
        cols = columns[kpi.entity]
        dims = tuple((b, c) for b in by if (c := dimension_column(kpi, b, cols)))
        flt = tuple((c, values) for n, values in filters.dimensions if (c := dimension_column(kpi, n, cols)))
        used = [c for _, c in dims] + [c for c, _ in flt]
        needed = [m for p in kpi.parts for m in measure_names(p)]
        if any(c not in cube["dims"] for c in used) or any(m not in cube["measures"] for m in needed):
            continue
        queries.setdefault((cube_name(kpi.entity, kpi.date_field), dims, flt), []).append(kpi)
    for (name, dims, flt), members in queries.items():
        frame = _rollup(con, agg.folder / f"{name}.parquet", members, dims, flt, gran, filters)
        for kpi in members:
            cols = {f"{kpi.id}:{p.name}": p.name for p in kpi.parts}
            out[kpi.id] = frame[[k for k in keys if k in frame.columns] + list(cols)].rename(columns=cols)
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
