"""Building a stored dataset version's pre-aggregates (``kpis.cubes`` says what they hold).

The import path calls ``build(store_root, info)`` right after saving a version: storage knows
nothing of KPIs. The files are written to a hidden folder beside the Parquet files and renamed to
``aggregates/`` when complete, so a reader sees all of them or none. A failing build does not
fail the import: the engine then reads the raw rows (logged).
"""
from __future__ import annotations

import json
import logging
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

from core.errors import InputError
from data.schema import CUSTOMER_DIMENSIONS
from kpis.aggregates import stamp
from kpis.catalogue import Catalogue, load_catalogue
from kpis.cubes import EXACT_SHAPES, MANIFEST, additive, cube_name, cube_sql, exact_file, fingerprint, measures_sql
from kpis.definitions import Kind, KpiDefinition
from kpis.engine import compute_from_raw
from kpis.sidebuild import build_sides
from lifecycle import preagg
from sources.source import StoredDataset
from sources.store import stored_dataset
from storage.datasets import DatasetInfo

_PARTIAL = ".aggregates-"  # a build in progress (or killed): removed before the next one


def build(store_root: str | Path, info: DatasetInfo, catalogue: Catalogue | None = None) -> dict | None:
    """Write the pre-aggregates of the stored version ``info``; returns their manifest, or None
    when building failed (logged; KPIs read the raw rows then)."""
    dataset = stored_dataset(store_root, info)
    target = dataset.aggregates
    folder = target.parent
    for stale in folder.glob(f"{_PARTIAL}*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = folder / f"{_PARTIAL}{uuid.uuid4().hex}"
    try:
        tmp.mkdir()
        manifest = build_aggregates(dataset.files, tmp, catalogue)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        return manifest
    except Exception:  # noqa: BLE001 - the engine reads the raw rows when there are no aggregates
        logging.getLogger(__name__).exception("pre-aggregation failed for %s; KPIs read the raw rows", folder)
        shutil.rmtree(tmp, ignore_errors=True)
        return None


def build_aggregates(files: Mapping[str, Path], out: Path, catalogue: Catalogue | None = None) -> dict:
    """Write the cubes, the exact tables and the manifest of the entity Parquet ``files`` into ``out``."""
    import pyarrow.parquet as pq  # only when building: reading KPIs needs no pyarrow at start-up

    out.mkdir(parents=True, exist_ok=True)
    source = StoredDataset(files)
    kpis = [k for k in (catalogue or load_catalogue()) if k.kind is Kind.COMPUTED]
    manifest = {"sources": {n: list(stamp(p)) for n, p in source.files.items()}, "cubes": {}, "exact": {}}
    with source.open() as query:
        manifest["columns"] = {n: sorted(c) for n, c in query.columns.items()}
        groups: dict[tuple[str, str | None], list[KpiDefinition]] = {}
        for kpi in kpis:  # every KPI: a cube's groups are the slices the engine's scans return
            if kpi.entity in files:
                groups.setdefault((kpi.entity, kpi.date_field), []).append(kpi)
        for (entity, date_field), members in groups.items():
            name = cube_name(entity, date_field)
            dims = [c for c in dict.fromkeys(c for k in members for _, c in k.dimensions)]
            join = entity != "customers" and "customer_id" in query.columns[entity] and any(
                d in CUSTOMER_DIMENSIONS for d in dims)
            params: dict = {}
            measures: dict[str, str] = {}
            cubed = [p for k in members for p in k.parts if additive(p)
                     and (not p.exists or p.exists.entity in query.columns)]
            cubed += preagg.cube_parts(entity, date_field, source.schema)  # the lifecycle views' measures
            for part in cubed:
                measures.update(measures_sql(part, params))
            exists = tuple(p.exists for p in cubed if p.exists)
            sql = cube_sql(entity, date_field, dims, measures, join, exists)
            table = query.con.sql(sql, params=params).to_arrow_table()
            pq.write_table(table, out / f"{name}.parquet", compression="zstd")
            manifest["cubes"][name] = {"entity": entity, "date_field": date_field, "dims": dims,
                                       "measures": sorted(measures), "rows": table.num_rows}
        def write(name, table):
            pq.write_table(table, out / f"{name}.parquet", compression="zstd")

        manifest["sides"] = build_sides(query, kpis, write)
        lifecycle = preagg.build(query, write)
        if lifecycle is not None:
            manifest["lifecycle"] = lifecycle
    exact = [k for k in kpis if k.entity in files]  # a KPI without a ``by`` field: unsliced, as in compute
    for by, gran in EXACT_SHAPES:
        try:
            table = compute_from_raw(source, [k.id for k in exact], by=by, period=gran, catalogue=catalogue)
        except InputError:  # no KPI of the catalogue has that dimension
            continue
        table.to_parquet(out / exact_file(by, gran), index=False)
        manifest["exact"][exact_file(by, gran)] = {"by": list(by), "period": gran,
                                                   "kpis": {k.id: fingerprint(k) for k in exact}}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
