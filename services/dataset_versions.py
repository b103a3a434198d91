"""A client's dataset versions: plan an import (its effect before anything is stored), commit it as
ONE new version, restore an earlier version, list them. No Streamlit.

    new version = per imported table: the stored rows + the imported ones (append, the default;
                  duplicates by key: the imported row wins) or only the imported ones (replace)
                + every other table of the latest version, unchanged.

``services.import_merge`` holds the rules (which key wins and why, the integrity threshold).
``plan`` computes the new tables and the effect in memory; ``commit`` stores exactly that plan.
A failed import stores nothing and leaves the previous version untouched (``storage.datasets``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

import pandas as pd
from sqlalchemy import Engine

from core.errors import DataImportError, InputError, Problem
from data.dataset import ImportResult
from data.quality import entity_quality
from data.schema import load_schema
from kpis import prebuild
from kpis.catalogue import load_catalogue
from kpis.engine import compute
from services.filter_choices import filter_choices
from services.import_merge import APPEND, Integrity, Merge, check_modes, integrity, merge
from services.scorecard_view import default_period
from sources.store import stored_dataset
from storage import datasets as store
from storage.dataset_files import parquet_rows, read_parquet

KPI_PREFERENCE = ("revenue", "products_sold", "campaign_response_rate", "win_rate", "new_customers", "churn_rate",
                  "first_contact_resolution_rate", "nps")
EFFECT_GRANULARITY = "quarter"


@dataclass(frozen=True)
class ImportPlan:
    """What ``commit`` would store: the new version's tables and how each came about."""

    previous: store.DatasetInfo | None
    frames: dict[str, pd.DataFrame | Path]  # a carried table is its stored Parquet file
    merges: tuple[Merge, ...]  # one per imported table
    carried: tuple[str, ...]  # tables taken unchanged from ``previous``
    integrity: tuple[Integrity, ...]
    row_counts: dict[str, int]  # of the new version (kept when ``frames`` is dropped)

    def summary(self) -> ImportPlan:
        """The plan without the tables (what a page keeps between reruns): counts stay."""
        return replace(self, frames={})

    @property
    def blocking(self) -> tuple[Integrity, ...]:
        return tuple(i for i in self.integrity if i.blocking)

    def counts(self) -> pd.DataFrame:
        """entity, before, after, change: one row per table of the previous or the new version."""
        before = dict(self.previous.row_counts) if self.previous else {}
        after = self.row_counts
        names = [e for e in store.ENTITY_ORDER if e in before or e in after]
        rows = [{"entity": e, "before": int(before.get(e, 0)), "after": int(after.get(e, 0))} for e in names]
        table = pd.DataFrame(rows, columns=["entity", "before", "after"])
        table["change"] = table["after"] - table["before"]
        return table


def _modes(result: ImportResult, mode: str | Mapping[str, str]) -> dict[str, str]:
    modes = {e: mode for e in result.frames} if isinstance(mode, str) else {e: mode.get(e, APPEND)
                                                                           for e in result.frames}
    check_modes(modes)
    return modes


def plan(engine: Engine, store_root: str | Path, client_id: int, result: ImportResult,
         mode: str | Mapping[str, str] = APPEND) -> ImportPlan:
    """The new version's tables for ``mode`` (one for all imported tables, or per table), computed
    from the latest stored version; nothing is written."""
    modes = _modes(result, mode)
    schema = load_schema()
    previous = store.latest_dataset(engine, client_id)
    paths = store.dataset_paths(store_root, previous) if previous is not None else {}
    appended = tuple(e for e in result.frames if e in paths and modes[e] == APPEND)
    stored = store.load_frames(store_root, previous, appended) if appended else {}
    frames: dict[str, pd.DataFrame | Path] = {}
    merges = []
    for entity, imported in result.frames.items():
        frames[entity], done = merge(entity, stored.get(entity), imported, modes[entity], schema[entity].key,
                                     before=previous.row_counts.get(entity, 0) if previous else 0)
        merges.append(done)
    carried = tuple(e for e in paths if e not in frames)
    frames.update({e: paths[e] for e in carried})  # unchanged: their files, neither read nor rewritten
    ordered = {e: frames[e] for e in store.ENTITY_ORDER if e in frames}
    counts = {e: parquet_rows(f) if isinstance(f, Path) else int(len(f)) for e, f in ordered.items()}
    return ImportPlan(previous, ordered, tuple(merges), carried, tuple(integrity(ordered, dict(result.frames), schema)),
                      counts)


def commit(engine: Engine, store_root: str | Path, client_id: int, result: ImportResult, *,
           accept_partial: bool = False, accept_unmatched: bool = False, actor: str = "", label: str = "",
           mode: str | Mapping[str, str] = APPEND) -> store.DatasetInfo:
    """Store ONE new version (``plan``). Refuses (``DataImportError``, nothing stored) when the
    report has problems and ``accept_partial`` is false, when no valid row remains, or when an id
    column matches less than ``import_merge.BLOCK_BELOW`` and ``accept_unmatched`` is false."""
    if not result.report.ok and not accept_partial:
        raise DataImportError(f"{result.manifest.source}: {len(result.report.problems)} problem(s) in the data",
                              [Problem(str(r.file), str(r.reason)) for r in result.report.to_frame().head(20)
                               .itertuples(index=False)],
                              hint="fix and retry, or import only the valid rows", key="import.problems_found",
                              hint_key="import.problems_found_hint",
                              values={"source": result.manifest.source, "count": len(result.report.problems)})
    if not any(len(f) for f in result.frames.values()):
        raise DataImportError("No valid row to import.", [Problem(result.manifest.source, "every row was rejected",
                                                                  key="import.all_rejected")],
                              hint="check the column mapping", key="import.no_valid_row",
                              hint_key="import.no_valid_row_hint")
    todo = plan(engine, store_root, client_id, result, mode)
    if todo.blocking and not accept_unmatched:
        raise DataImportError("Too few ids match the stored data.",
                              [Problem(f"{i.entity}: column {i.field}", f"{i.matched} of {i.checked} match a "
                                       f"{i.target} id ({i.share:.0%}); e.g. {', '.join(i.examples)}",
                                       key="import.ids_match", values=(("matched", i.matched), ("checked", i.checked),
                                                                       ("target", i.target),
                                                                       ("share", f"{i.share:.0%}"),
                                                                       ("examples", ", ".join(i.examples))))
                               for i in todo.blocking],
                              hint="check the column mapping, import the missing records first, or accept it "
                                   "(--accept-unmatched, 'Trotzdem importieren')", key="import.ids_unmatched",
                              hint_key="import.ids_unmatched_hint")
    quality = {k: dict(v) for k, v in result.quality.get("entities", {}).items()}
    for m in todo.merges:
        if m.after != m.imported:  # appended: the quality of the whole table
            quality[m.entity] = entity_quality(m.entity, todo.frames[m.entity])
    for name in todo.carried:
        entry = ((todo.previous.quality or {}).get("entities", {}).get(name)
                 or entity_quality(name, read_parquet(todo.frames[name])))
        quality[name] = dict(entry)
    names = ", ".join(f"{m.entity} ({m.mode}{f', {m.duplicates} duplicates' if m.duplicates else ''})"
                      for m in todo.merges)
    origin = result.manifest.source or "upload"
    carried = f" (+ unchanged from v{todo.previous.version}: {', '.join(todo.carried)})" if todo.carried else ""
    info = store.save_dataset(engine, store_root, client_id, todo.frames, label=label or f"Import {', '.join(result.frames)}",
                              source=f"{origin}: {names}{carried}", manifest_yaml=result.manifest.to_yaml(),
                              quality=_summary(quality), rejected_counts=result.rejected_counts,
                              rejected={k: v for k, v in result.rejected.items() if len(v)}, actor=actor)
    prebuild.build(store_root, info)  # the KPI pre-aggregates: storage knows nothing of KPIs
    return info


def _summary(quality: dict) -> dict:
    scored = [e["completeness"] for e in quality.values() if e.get("rows")]
    return {"entities": quality, "data_completeness": round(sum(scored) / len(scored), 4) if scored else 0.0}


def restore(engine: Engine, store_root: str | Path, client_id: int, version: int, *, actor: str = ""
            ) -> store.DatasetInfo:
    """A NEW version holding a copy of ``version``'s tables (and rejected rows), audited as
    ``dataset.restore``; the versions in between stay as they were."""
    old = store.get_dataset(engine, client_id, version)
    if old is None:
        known = ", ".join(f"v{i.version}" for i in store.list_datasets(engine, client_id)) or "none"
        raise InputError(f"no dataset version {version} for this client", hint=f"existing versions: {known}",
                         key="dataset.no_version", hint_key="dataset.no_version_hint",
                         values={"version": version, "known": known})
    rejected = {name: pd.read_parquet(path) for name, path in store.rejected_paths(store_root, old).items()}
    info = store.save_dataset(engine, store_root, client_id, store.dataset_paths(store_root, old),
                              label=f"Wiederhergestellt: v{old.version} ({old.label})"[:200],
                              source=f"restore of v{old.version}", manifest_yaml=old.manifest, quality=old.quality,
                              rejected_counts=old.rejected_counts, rejected=rejected, actor=actor,
                              action="dataset.restore", details={"restored_from": old.version})
    prebuild.build(store_root, info)
    return info


def versions_table(engine: Engine, client_id: int, names: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per dataset version, newest first: version, label, created, rows, rejected,
    completeness, and the entities with their row counts (``names`` labels them)."""
    names = names or {}
    rows = [{"version": i.version, "label": i.label, "created_at": i.created_at, "created_by": i.created_by,
             "rows": int(sum(i.row_counts.values())), "rejected": int(sum(i.rejected_counts.values())),
             "completeness": (i.quality or {}).get("data_completeness"),
             "entities": ", ".join(f"{names.get(k, k)} ({v})" for k, v in i.row_counts.items())}
            for i in store.list_datasets(engine, client_id)]
    return pd.DataFrame(rows, columns=["version", "label", "created_at", "created_by", "rows", "rejected",
                                       "completeness", "entities"])


def _headline(present: set[str], first: set[str], limit: int) -> list[str]:
    """Catalogue KPIs of the preference list whose entity is present, those of ``first`` first."""
    catalogue = load_catalogue()
    ids = [k for k in KPI_PREFERENCE if k in catalogue.ids and catalogue.get(k).entity in present]
    return sorted(ids, key=lambda k: catalogue.get(k).entity not in first)[:limit]


def kpi_preview(store_root: str | Path, info: store.DatasetInfo, limit: int = 4) -> pd.DataFrame:
    """A few catalogue KPIs computed on ``info`` (columns kpi, value, numerator, denominator)."""
    ids = _headline({k for k, v in info.row_counts.items() if v}, set(), limit)
    if not ids:
        return pd.DataFrame(columns=["kpi", "value", "numerator", "denominator"])
    return compute(store.dataset_paths(store_root, info), ids)


def effect(store_root: str | Path, todo: ImportPlan, limit: int = 4) -> pd.DataFrame:
    """kpi, period, before, after, change: a few headline KPIs (those of the imported tables first)
    for the last complete quarter the pages show now (of the previous version; without one, of the
    new version), before and after the import."""
    columns = ["kpi", "period", "before", "after", "change"]
    ids = _headline({e for e, n in todo.row_counts.items() if n}, {m.entity for m in todo.merges}, limit)
    if not ids:
        return pd.DataFrame(columns=columns)
    after = compute(todo.frames, ids, period=EFFECT_GRANULARITY)
    if todo.previous is not None:  # the period the pages show now (the same rule and last day as theirs)
        source = stored_dataset(store_root, todo.previous)
        before = compute(source, ids, period=EFFECT_GRANULARITY)
        period = default_period(before, EFFECT_GRANULARITY, filter_choices(source).last_day)
    else:
        before = pd.DataFrame(columns=["kpi", "period", "value"])
        period = default_period(after, EFFECT_GRANULARITY, _last_day(todo.frames))
    if period is None:
        return pd.DataFrame(columns=columns)

    def at(table: pd.DataFrame) -> dict:
        rows = table[table["period"].astype(str) == period]
        return dict(zip(rows["kpi"], rows["value"]))

    old, new = at(before), at(after)
    rows = [{"kpi": k, "period": period, "before": old.get(k), "after": new.get(k)} for k in ids]
    table = pd.DataFrame(rows, columns=columns[:-1])
    table["change"] = pd.to_numeric(table["after"]) - pd.to_numeric(table["before"])
    return table[table["before"].notna() | table["after"].notna()].reset_index(drop=True)  # no value: no line


def _last_day(frames: dict[str, pd.DataFrame]):
    schema = load_schema()
    days = [pd.to_datetime(f[schema[e].date_field], errors="coerce").max() for e, f in frames.items()
            if schema[e].date_field and schema[e].date_field in f.columns]
    days = [d for d in days if pd.notna(d)]
    return max(days).date() if days else None
