"""The import service: read + validate an export, then store it as the client's next dataset
version - only when the report is clean, or when the user accepts importing the valid rows
(the rejected rows are then kept as a downloadable file beside the version)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from data.dataset import ImportResult, read_dataset
from data.demo import generate
from data.manifest import Manifest
from data.quality import quality_summary
from core.settings import Settings
from kpis import prebuild
from services.analytics import live_key
from services.dataset_versions import commit
from services.import_merge import APPEND
from sources import live_pool
from sources.live import LiveSource
from sources.live_check import LiveCheck, check_source
from storage.clients import Client, create_client, get_client, slugify
from storage.datasets import DatasetInfo, register_live, save_dataset

DEMO_CLIENT = "Demo GmbH"


def import_dataset(engine: Engine, store_root: str | Path, client_id: int, path_or_manifest: str | Path | Manifest,
                   *, accept_partial: bool = False, actor: str = "", label: str = "",
                   max_bytes: int | None = None, mode: str = APPEND, accept_unmatched: bool = False
                   ) -> tuple[DatasetInfo | None, ImportResult]:
    """(stored version or None, the import result with its report). Nothing is stored when the
    report has problems and ``accept_partial`` is false, or when no valid row remains. Stores
    through the one commit path (``services.dataset_versions.commit``: ``append`` by default, or
    ``replace``; other tables carried forward; blocked when too few ids match, unless accepted);
    people reach this through ``usecases.datasets.import_file``, which checks the permission."""
    result = read_dataset(path_or_manifest, **({"max_bytes": max_bytes} if max_bytes else {}))
    if not result.report.ok and not accept_partial:
        return None, result
    if not any(len(f) for f in result.frames.values()):
        return None, result
    info = commit(engine, store_root, client_id, result, accept_partial=accept_partial, actor=actor, label=label,
                  mode=mode, accept_unmatched=accept_unmatched)
    return info, result


def register_source(engine: Engine, settings: Settings, client_id: int, manifest: Manifest, *, actor: str = "",
                    label: str = "") -> tuple[DatasetInfo | None, LiveCheck]:
    """Validate a live manifest by counting queries on its database and register it as the client's
    next version (the manifest as YAML, ``${NAME}`` placeholders as written; no rows copied). None
    when the check finds problems. The checked source stays open for the pages (``sources.live_pool``)."""
    source = LiveSource(manifest)
    try:
        check = check_source(source)
        if not check.ok:
            source.close()
            return None, check
        info = register_live(engine, client_id, manifest.to_yaml(), source=str(manifest.base_dir / manifest.source),
                             rows=check.rows, rejected=check.rejected, quality=check.quality,
                             snapshot=check.snapshot.entities, actor=actor, label=label)
    except BaseException:
        source.close()
        raise
    live_pool.keep(live_key(settings, client_id, info.version), source, check)
    return info, check


def store_frames(engine: Engine, store_root: str | Path, client_id: int, frames: dict, *, label: str,
                 source: str, actor: str = "") -> DatasetInfo:
    """Store canonical frames that need no mapping (generated demo data)."""
    info = save_dataset(engine, store_root, client_id, frames, label=label, source=source,
                        quality=quality_summary(frames), actor=actor)
    prebuild.build(store_root, info)  # the KPI pre-aggregates: storage knows nothing of KPIs
    return info


def ensure_client(engine: Engine, name: str, actor: str = "") -> Client:
    """The client with this name (by its short name), created when missing."""
    existing = get_client(engine, slugify(name))
    return existing or create_client(engine, name, actor=actor)


def load_demo_client(engine: Engine, store_root: str | Path, name: str = DEMO_CLIENT, customers: int = 5000,
                     seed: int = 7, actor: str = "system") -> tuple[Client, DatasetInfo]:
    """Create the demo client and store generated demo data as its version 1. Raises
    ``InputError`` when the client exists already (another process seeded it first)."""
    client = create_client(engine, name, actor=actor)
    frames = generate(customers=customers, seed=seed)
    info = store_frames(engine, store_root, client.id, frames, label="Demo-Daten",
                        source=f"demo-data --customers {customers} --seed {seed}", actor=actor)
    return client, info
