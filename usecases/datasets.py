"""Import a dataset, and read the client's current data: what the import page, the data-dependent
pages and the ``import``/``datasets`` commands do.

One commit path for every import (page and command line): ``services.dataset_versions.commit``.
Per imported table the user chooses ``append`` (default: stored rows kept, imported rows added,
duplicates by key replaced by the imported row) or ``replace`` (``cli.py import --replace``); every
table the import does not bring is carried forward unchanged. ``preview`` shows the effect (row
counts, headline KPIs of the last complete quarter, referential integrity) before anything is
stored; ``restore`` stores an earlier version again as the newest. See ``services.import_merge``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

from core.errors import InputError
from data.dataset import ImportResult
from data.manifest import Manifest
from services import analytics, dataset_versions
from services.filter_choices import FilterChoices, filter_choices
from services.importing import import_dataset, register_source
from data.manifest import parse_manifest
from sources import live_preview
from sources.errors import LiveSourceError
from sources.live import LiveSource
from sources.live_check import LiveCheck
from sources.live_pool import LiveVersion
from sources.source import Source
from storage.datasets import DatasetInfo, list_datasets
from usecases.caching import cache, mark_version
from usecases.session import Session, require, scoped

from services.import_merge import APPEND, REPLACE  # noqa: F401 - the modes callers pass
from data.dataset import read_dataset
_CHOICES = cache("filter_choices")
LIVE_MANIFEST = "live-source.yaml"  # the name a manifest made on the data page is known by


def current_dataset(session: Session, version: int | None = None) -> DatasetInfo | None:
    """The client's newest dataset version (or ``version``); None before the first import."""
    require(session, "scorecard.view")
    with scoped(session):
        return _seen(session, analytics.current_dataset(session.engine, session.client_id, version))


def _seen(session: Session, info: DatasetInfo | None) -> DatasetInfo | None:
    """A live version's answers are cached under its snapshot marker too (``usecases.caching``)."""
    if info is not None and info.live:
        settings = session.settings
        mark_version(settings.database_url, info.client_id, info.version,
                     lambda: analytics.version_marker(settings, info))
    return info


def completeness(info: DatasetInfo | None) -> float | None:
    """The data completeness of a dataset version (the learning-and-growth KPI)."""
    return analytics.external_values(info, None).get("data_completeness")


def versions(session: Session) -> list[DatasetInfo]:
    require(session, "scorecard.view")
    with scoped(session):
        return [_seen(session, i) for i in list_datasets(session.engine, session.client_id)]


def source(session: Session, info: DatasetInfo) -> Source:
    """Where the rows of ``info`` are (the query package reads them): its Parquet files, or the
    client's database for a live version."""
    if info.client_id != session.client_id:
        raise InputError(f"dataset v{info.version} is not one of this client's", hint="pick a version of the client",
                         key="dataset.not_this_client", hint_key="dataset.not_this_client_hint",
                         values={"version": info.version})
    return analytics.source(session.settings, _seen(session, info))  # with its pre-aggregates


def live_state(session: Session, info: DatasetInfo | None) -> LiveVersion | None:
    """A live version's open source and snapshot (what "Stand: ..." shows); None for files."""
    if info is None or not info.live:
        return None
    require(session, "scorecard.view")
    return analytics.live_state(session.settings, _seen(session, info))


def as_of(session: Session, info: DatasetInfo | None, lang: str) -> str | None:
    """"Stand: <snapshot time> (Live-Quelle <table>)" of a live version; None for files."""
    state = live_state(session, info)
    return analytics.as_of_text(state.as_of, state.relation, lang) if state is not None else None


def live_manifest(session: Session, entities: Mapping[str, Mapping]) -> Manifest:
    """A live manifest from the data page's entries (entity -> ``{"source": {url, table | query},
    "columns": {...}}``), validated as a manifest file is; relative duckdb:/// paths: the data folder."""
    return parse_manifest(dict(entities), session.settings.data_dir, LIVE_MANIFEST)


def probe_live(session: Session, manifest: Manifest, entity: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """(the URL as it may be shown, the source columns of ``entity`` with their types, the suggested
    mapping field -> column): connects read-only and reads no row."""
    require(session, "import.run")
    with LiveSource(manifest) as src:
        return live_preview.check_connection(src), live_preview.columns(src, entity), live_preview.suggest(src, entity)


def preview_live(session: Session, manifest: Manifest, entity: str) -> pd.DataFrame:
    """At most 20 rows of ``entity`` as the mapping makes them (the one place rows are fetched)."""
    require(session, "import.run")
    with LiveSource(manifest) as src:
        return live_preview.preview(src, entity)


def register_live(session: Session, manifest: Manifest, *, label: str = "") -> tuple[DatasetInfo | None, LiveCheck]:
    """Check a live manifest with counting queries and register it as the client's next version
    (kind ``live``; audited ``dataset.live``); nothing is registered (None) when the check finds problems."""
    require(session, "import.run")
    with scoped(session):
        info, check = register_source(session.engine, session.settings, session.client_id, manifest,
                                      actor=session.actor, label=label)
    return _seen(session, info), check


def choices(session: Session, info: DatasetInfo) -> FilterChoices:
    """What the filter bar offers (channels, segments, regions, campaigns) and the date range."""
    require(session, "scorecard.view")
    key = (session.settings.database_url, session.client_id, info.version)
    return _CHOICES.get(key, lambda: filter_choices(source(session, info)))


def import_file(session: Session, data: str | Path | Manifest, *, mode: str = APPEND,
                accept_partial: bool = False, accept_unmatched: bool = False, label: str = ""
                ) -> tuple[DatasetInfo | None, ImportResult]:
    """Read and validate a manifest or a folder, then store it as the next version (``commit``).
    Nothing is stored (None) when the report has problems and ``accept_partial`` is false."""
    require(session, "import.run")
    with scoped(session):
        return import_dataset(session.engine, session.settings.dataset_dir, session.client_id, data,
                              accept_partial=accept_partial, actor=session.actor, label=label,
                              max_bytes=session.settings.max_upload_mb * 1024 * 1024, mode=mode,
                              accept_unmatched=accept_unmatched)


def preview(session: Session, result: ImportResult, mode: str | Mapping[str, str] = APPEND
            ) -> tuple[dataset_versions.ImportPlan, pd.DataFrame]:
    """(the plan without its tables: row counts, duplicates, integrity; the KPI effect) of
    committing ``result`` (the commit plans again: the page keeps no copy of the client's rows)."""
    require(session, "import.run")
    with scoped(session):
        todo = dataset_versions.plan(session.engine, session.settings.dataset_dir, session.client_id, result, mode)
    return todo.summary(), dataset_versions.effect(session.settings.dataset_dir, todo)


def preview_file(session: Session, data: str | Path | Manifest, mode: str | Mapping[str, str] = APPEND
                 ) -> tuple[ImportResult, dataset_versions.ImportPlan | None, pd.DataFrame]:
    """Read and validate like ``import_file``, then ``preview``; nothing is stored. The plan is None
    when no valid row remains."""
    require(session, "import.run")

    result = read_dataset(data, max_bytes=session.settings.max_upload_mb * 1024 * 1024)
    if not any(len(f) for f in result.frames.values()):
        return result, None, pd.DataFrame()
    return (result, *preview(session, result, mode))


def commit(session: Session, result: ImportResult, *, mode: str | Mapping[str, str] = APPEND,
           accept_partial: bool = False, accept_unmatched: bool = False, label: str = "") -> DatasetInfo:
    """Store a validated import as ONE new version (see the module docstring for ``mode``)."""
    require(session, "import.run")
    with scoped(session):
        return dataset_versions.commit(session.engine, session.settings.dataset_dir, session.client_id, result,
                                       accept_partial=accept_partial, accept_unmatched=accept_unmatched,
                                       actor=session.actor, label=label, mode=mode)


def restore(session: Session, version: int) -> DatasetInfo:
    """Store a copy of ``version`` as the client's newest version (audited ``dataset.restore``); a live
    version is registered again from its manifest (checked on the database, audited ``dataset.live``)."""
    require(session, "import.run")
    old = current_dataset(session, version)
    if old is not None and old.live:
        path = Path(old.source)
        info, check = register_live(session, parse_manifest(old.manifest, path.parent, path.name),
                                    label=f"Wiederhergestellt: v{version} ({old.label})"[:200])
        if info is None:
            raise LiveSourceError(f"{old.source}: the live source of v{version} no longer passes validation",
                                  old.source, key="live.restore_invalid", values={"version": version},
                                  hint=check.describe(limit=5))
        return info
    with scoped(session):
        return dataset_versions.restore(session.engine, session.settings.dataset_dir, session.client_id, version,
                                        actor=session.actor)
