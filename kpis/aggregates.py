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

import numpy as np
import pandas as pd

from core.query import Filters
from kpis import olap, sides
from kpis.cubes import MANIFEST, additive, cube_name, exact_file, fingerprint, measure_names
from kpis.definitions import Agg, Kind, KpiDefinition
from kpis.results import BASE_COLUMNS, external_rows
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
           ) -> dict[str, dict[str, np.ndarray]]:
    """Per KPI id the columns of keys and parts (as arrays; input of ``kpis.results.assemble``), for those
    KPIs the aggregates can answer exactly; the others are left out. Additive parts are rolled up
    from the cube (whose groups are the slices the engine returns), the others come from their side
    table (``kpis.sides``) and are joined on."""
    out: dict[str, dict[str, np.ndarray]] = {}
    memo: dict = {}  # selections shared by the KPIs of one cube
    exact = agg.exact(by, gran, filters)
    aligned = _month_aligned(filters)
    for kpi in kpis:
        if exact and exact[1]["kpis"].get(kpi.id) == fingerprint(kpi):
            out[kpi.id] = _exact_rows(exact[0], kpi, keys)
            continue
        name = cube_name(kpi.entity, kpi.date_field)
        cube = agg.manifest["cubes"].get(name)
        if cube is None or not aligned:
            continue
        cols, declared = columns[kpi.entity], dict(kpi.dimensions)
        sliced = tuple((b, c) for b in by if (c := dims.declared(kpi.entity, b, declared, cols)))
        flt = tuple((c, values) for n, values in filters.dimensions
                    if (c := dims.declared(kpi.entity, n, declared, cols)))
        used = [c for _, c in sliced] + [c for c, _ in flt]
        needed = [m for p in kpi.parts if additive(p) for m in measure_names(p)]
        if any(c not in cube["dims"] for c in used) or any(m not in cube["measures"] for m in needed):
            continue
        cols, n = _rollup(agg.folder / f"{name}.parquet", cube["dims"], kpi, sliced, flt, gran, filters, memo)
        joined = [k for k in keys if k in cols]
        for part in (p for p in kpi.parts if not additive(p)):
            found = sides.locate(agg.manifest.get("sides", {}), kpi.entity, kpi.date_field, part)
            side = found and sides.answer(agg.folder, *found, part, sliced, flt, gran, filters)
            if side is None:
                break
            li, ri = olap.align(cols, n, side, len(side[part.name]), joined, outer=part.active is not None)
            n = len(li)
            cols = {c: olap.take(v, li) for c, v in cols.items()}
            for k in joined:  # rows only the side has take its keys
                cols[k] = np.where(li >= 0, cols[k], olap.take(side[k], ri))
            cols[part.name] = olap.take(side[part.name], ri)
        else:
            out[kpi.id] = cols
    return out


def _month_aligned(filters: Filters) -> bool:
    return all(d is None or pd.Timestamp(d).day == 1 and pd.Timestamp(d) == pd.Timestamp(d).normalize()
               for d in (filters.start, filters.end))


def _rollup(path: Path, cube_dims: list[str], kpi: KpiDefinition, sliced: tuple, flt: tuple, gran: str | None,
            filters: Filters, memo: dict) -> tuple[dict[str, np.ndarray], int]:
    """The KPI's additive parts summed over the cube rows of the filters, per slice and period."""
    table = olap.coded(path, cube_dims)
    dated = gran is not None or filters.start is not None or filters.end is not None
    keep, groups = olap.selection(table, flt, sliced, gran, filters.start, filters.end, dated, memo)
    cols = {a: groups.keys[a] for a in [b for b, _ in sliced] + (["period"] if gran else [])}
    for part in (p for p in kpi.parts if additive(p)):
        names = measure_names(part)
        total = olap.sums(groups, table.zeroed(names[0])[keep])
        if part.agg is Agg.MEAN:  # a mean: sum / count
            count = olap.sums(groups, table.zeroed(names[1])[keep])
            total = np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)
        cols[part.name] = total
    return cols, groups.count


def _exact_rows(path: Path, kpi: KpiDefinition, keys: list[str]) -> dict[str, np.ndarray]:
    table = load_table(path)
    frame = table[table["kpi"] == kpi.id]
    key_cols = {k: frame[k].to_numpy(dtype=object, na_value=None) for k in keys if k in frame.columns}
    return key_cols | {p.name: frame[p.name].to_numpy(dtype="float64", na_value=np.nan)
                       for p in kpi.parts if p.name in frame.columns}  # no rows: part columns may be absent
