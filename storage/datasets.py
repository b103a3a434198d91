"""The dataset store: imported canonical frames as Parquet per client and version.

Layout: ``<store_root>/<client_id>/v<version>/<entity>.parquet`` and
``rejected/<entity>.parquet`` beside them; the metadata row lives in the ``datasets`` table.
``save_dataset`` writes into a hidden temp folder (``storage.dataset_files``), fsyncs, runs the
``AFTER_WRITE`` hooks on it (none by default), renames it into place, then inserts the row and its
audit entry in one transaction. On any failure the new folder is removed; earlier versions are
never touched; stale temp folders of killed imports are removed before a save. Storage knows
nothing of KPIs: the import path builds a version's pre-aggregates after saving it
(``kpis.prebuild.build``). Mapping profiles (a client's saved manifests, table
``mapping_profiles``) live here too.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from core.errors import ConflictError, InputError, StorageError
from data.manifest import parse_manifest
from storage import audit
from storage.dataset_files import (fsync_dir, link_parquet, parquet_rows, read_parquet, remove_stale_temp,
                                   temp_folder, write_parquet)
from storage.db import now, reading, transaction
from storage.schema import datasets, mapping_profiles


#: called with the temp folder after the Parquet files are written, before it is renamed into place
AFTER_WRITE: list[Callable[[Path], None]] = []
ENTITY_ORDER = ("customers", "campaigns", "campaign_contacts", "opportunities", "orders", "service_tickets",
                "surveys")


@dataclass(frozen=True)
class DatasetInfo:
    id: int
    client_id: int
    version: int
    label: str
    source: str
    storage_key: str  # folder below the store root: "<client_id>/v<version>"
    manifest: str
    row_counts: dict
    rejected_counts: dict
    quality: dict
    created_at: datetime
    created_by: str
    kind: str = "files"  # LIVE: no rows stored, ``manifest`` names the client's database (docs/live-sources.md)
    snapshot: dict | None = None  # a live source's marker when registered (rows, max timestamps)

    @property
    def live(self) -> bool:
        return self.kind == LIVE


LIVE = "live"


def _info(row) -> DatasetInfo:
    return DatasetInfo(row.id, row.client_id, row.version, row.label, row.source, row.storage_key,
                       row.manifest, dict(row.row_counts or {}), dict(row.rejected_counts or {}),
                       dict(row.quality or {}), row.created_at, row.created_by, row.kind, row.snapshot)


def _next_version(engine: Engine, client_id: int) -> int:
    with reading(engine) as conn:
        top = conn.execute(select(func.max(datasets.c.version)).where(datasets.c.client_id == client_id)).scalar()
    return int(top or 0) + 1


def save_dataset(engine: Engine, store_root: str | Path, client_id: int, frames: Mapping[str, pd.DataFrame | Path], *,
                 label: str = "", source: str = "", manifest_yaml: str = "", quality: dict | None = None,
                 rejected_counts: Mapping[str, int] | None = None,
                 rejected: Mapping[str, pd.DataFrame] | None = None, actor: str = "",
                 action: str = "dataset.import", details: dict | None = None) -> DatasetInfo:
    """Store ``frames`` as the client's next dataset version; returns its metadata. A table given as
    the Parquet file of an earlier version is hard-linked (copied across file systems). The audit entry
    is ``action`` (``dataset.import``, or ``dataset.restore`` with ``details`` such as the source version)."""
    root = Path(store_root)
    client_dir = root / str(client_id)
    client_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temp(client_dir)
    tmp = temp_folder(client_dir)
    final: Path | None = None
    try:
        tmp.mkdir()
        for name, frame in frames.items():
            if isinstance(frame, Path):  # a table of an earlier version, unchanged: linked, not rewritten
                link_parquet(frame, tmp / f"{name}.parquet")
            else:
                write_parquet(frame, tmp / f"{name}.parquet")
        bad = {k: v for k, v in (rejected or {}).items() if v is not None and len(v)}
        if bad:
            (tmp / "rejected").mkdir()
            for name, frame in bad.items():
                text = frame.astype({c: "string" for c in frame.columns if c != "row"})
                write_parquet(text, tmp / "rejected" / f"{name}.parquet")
            fsync_dir(tmp / "rejected")
        for hook in AFTER_WRITE:
            hook(tmp)
        fsync_dir(tmp)
        for attempt in range(6):  # a concurrent import may take the same number: retry with the next
            version = _next_version(engine, client_id)
            final = client_dir / f"v{version}"
            if final.exists():  # another import is just committing it, or a crash left it without a row
                final = None
                if attempt < 5:
                    time.sleep(0.2)
                    continue
                shutil.rmtree(client_dir / f"v{version}", ignore_errors=True)
                final = client_dir / f"v{version}"
            os.rename(tmp, final)
            fsync_dir(client_dir)
            try:
                return _insert(engine, client_id, version, final, frames, label, source, manifest_yaml, quality,
                               rejected_counts or {k: len(v) for k, v in bad.items()}, actor, action,
                               details or {})
            except IntegrityError:
                os.rename(final, tmp)
                final = None
        raise StorageError("Could not reserve a dataset version number (concurrent imports).", hint="retry",
                           key="dataset.version_busy", hint_key="dataset.version_busy_hint")
    except BaseException:
        for folder in (tmp, final):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        raise


def _insert(engine: Engine, client_id: int, version: int, folder: Path, frames: Mapping[str, pd.DataFrame | Path],
            label: str, source: str, manifest_yaml: str, quality: dict | None, rejected_counts: Mapping[str, int],
            actor: str, action: str, details: dict, **live) -> DatasetInfo:
    rows = {k: int(v) if isinstance(v, int) else parquet_rows(v) if isinstance(v, Path) else int(len(v))
            for k, v in frames.items()}
    rejected = {k: int(v) for k, v in rejected_counts.items() if v}
    values = dict(client_id=client_id, version=version, label=label or f"v{version}", source=source[:400],
                  storage_key=f"{client_id}/{folder.name}", manifest=manifest_yaml or "", row_counts=rows,
                  rejected_counts=rejected, quality=quality or {}, created_at=now(), created_by=actor or "", **live)
    with transaction(engine) as conn:
        new_id = conn.execute(datasets.insert().values(**values).returning(datasets.c.id)).scalar_one()
        audit.record(conn, client_id=client_id, actor=actor, action=action, entity="dataset",
                     entity_key=str(version), after={"label": values["label"], "source": values["source"],
                                                     "rows": rows, "rejected": rejected, **details})
        row = conn.execute(select(datasets).where(datasets.c.id == new_id)).one()
    return _info(row)


def register_live(engine: Engine, client_id: int, manifest_yaml: str, *, source: str, rows: Mapping[str, int],
                  rejected: Mapping[str, int], quality: dict, snapshot: dict, actor: str = "",
                  label: str = "") -> DatasetInfo:
    """Store a live source (its manifest, placeholders as written) as the client's next version
    (kind ``live``, no folder); audited ``dataset.live`` with the counts of the validation."""
    for _ in range(6):  # a concurrent import may take the same number: retry with the next
        version = _next_version(engine, client_id)
        try:
            return _insert(engine, client_id, version, Path(f"v{version}"), dict(rows), label, source, manifest_yaml,
                           quality, rejected, actor, "dataset.live", {"snapshot": snapshot}, kind=LIVE,
                           snapshot=snapshot)
        except IntegrityError:
            continue
    raise StorageError("Could not reserve a dataset version number (concurrent imports).", hint="retry",
                       key="dataset.version_busy", hint_key="dataset.version_busy_hint")


def list_datasets(engine: Engine, client_id: int) -> list[DatasetInfo]:
    """The client's dataset versions, newest first."""
    with reading(engine) as conn:
        rows = conn.execute(select(datasets).where(datasets.c.client_id == client_id)
                            .order_by(datasets.c.version.desc())).all()
    return [_info(r) for r in rows]


def latest_dataset(engine: Engine, client_id: int) -> DatasetInfo | None:
    with reading(engine) as conn:
        row = conn.execute(select(datasets).where(datasets.c.client_id == client_id)
                           .order_by(datasets.c.version.desc()).limit(1)).first()
    return _info(row) if row else None


def get_dataset(engine: Engine, client_id: int, version: int) -> DatasetInfo | None:
    with reading(engine) as conn:
        row = conn.execute(select(datasets).where(datasets.c.client_id == client_id,
                                                  datasets.c.version == version)).first()
    return _info(row) if row else None


def dataset_folder(store_root: str | Path, info: DatasetInfo) -> Path:
    return Path(store_root) / info.storage_key


def dataset_paths(store_root: str | Path, info: DatasetInfo) -> dict[str, Path]:
    """entity -> Parquet file, only for entities present in the version."""
    folder = dataset_folder(store_root, info)
    return {name: folder / f"{name}.parquet" for name in ENTITY_ORDER if (folder / f"{name}.parquet").is_file()}


def rejected_paths(store_root: str | Path, info: DatasetInfo) -> dict[str, Path]:
    """entity -> Parquet file of rejected source rows (with ``row`` and ``reason``)."""
    folder = dataset_folder(store_root, info) / "rejected"
    return {name: folder / f"{name}.parquet" for name in ENTITY_ORDER if (folder / f"{name}.parquet").is_file()}


def load_frames(store_root: str | Path, info: DatasetInfo, entities: tuple[str, ...] | None = None
                ) -> dict[str, pd.DataFrame]:
    """The stored canonical frames (dtypes as imported)."""
    paths = dataset_paths(store_root, info)
    return {name: read_parquet(path) for name, path in paths.items() if entities is None or name in entities}


def delete_dataset(engine: Engine, store_root: str | Path, client_id: int, version: int, actor: str = "") -> bool:
    """Remove a version's row (with an audit entry) and then its folder. False when absent."""
    info = get_dataset(engine, client_id, version)
    if info is None:
        return False
    with transaction(engine) as conn:
        conn.execute(datasets.delete().where(datasets.c.id == info.id, datasets.c.client_id == client_id))
        audit.record(conn, client_id=client_id, actor=actor, action="dataset.delete", entity="dataset",
                     entity_key=str(version), before={"label": info.label, "rows": info.row_counts})
    shutil.rmtree(dataset_folder(store_root, info), ignore_errors=True)
    return True


# --- mapping profiles: a client's saved manifests (the one mapping format, as YAML) -----------

@dataclass(frozen=True)
class MappingProfile:
    id: int
    client_id: int
    name: str
    content: str  # manifest YAML (data.manifest.parse_manifest reads it)
    version: int
    updated_at: datetime
    updated_by: str


def save_mapping_profile(engine: Engine, client_id: int, name: str, content: str, *, actor: str = "",
                         expected_version: int | None = None) -> MappingProfile:
    """Create or replace the client's profile ``name``. The content must be a valid manifest;
    ``expected_version`` (the version the user edited) guards against overwriting a newer save."""
    name = (name or "").strip()
    if not name:
        raise InputError("A mapping profile needs a name.", hint="e.g. 'Salesforce export'", key="profile.name_missing",
                         hint_key="profile.name_missing_hint")
    parse_manifest(content, Path("."), f"profile {name!r}")  # raises DataImportError listing every problem
    with transaction(engine) as conn:
        row = conn.execute(select(mapping_profiles).where(mapping_profiles.c.client_id == client_id,
                                                          mapping_profiles.c.name == name)).first()
        if row is not None and expected_version is not None and row.version != expected_version:
            raise ConflictError(f"The profile {name!r} was changed by {row.updated_by or 'someone'} meanwhile.",
                                current=_profile(row), hint="reload it and apply your change again",
                                key="conflict.record", hint_key="conflict.record_hint")
        values = dict(content=content, updated_at=now(), updated_by=actor or "")
        if row is None:
            conn.execute(mapping_profiles.insert().values(client_id=client_id, name=name, version=1, **values))
        else:
            conn.execute(mapping_profiles.update().where(mapping_profiles.c.id == row.id)
                         .values(version=row.version + 1, **values))
        audit.record(conn, client_id=client_id, actor=actor, action="mapping_profile.save", entity="mapping_profile",
                     entity_key=name, before={"content": row.content} if row else None, after={"content": content})
        saved = conn.execute(select(mapping_profiles).where(mapping_profiles.c.client_id == client_id,
                                                            mapping_profiles.c.name == name)).one()
    return _profile(saved)


def list_mapping_profiles(engine: Engine, client_id: int) -> list[MappingProfile]:
    with reading(engine) as conn:
        rows = conn.execute(select(mapping_profiles).where(mapping_profiles.c.client_id == client_id)
                            .order_by(mapping_profiles.c.name)).all()
    return [_profile(r) for r in rows]


def get_mapping_profile(engine: Engine, client_id: int, name: str) -> MappingProfile | None:
    with reading(engine) as conn:
        row = conn.execute(select(mapping_profiles).where(mapping_profiles.c.client_id == client_id,
                                                          mapping_profiles.c.name == name)).first()
    return _profile(row) if row else None


def delete_mapping_profile(engine: Engine, client_id: int, name: str, actor: str = "") -> bool:
    with transaction(engine) as conn:
        done = conn.execute(mapping_profiles.delete().where(mapping_profiles.c.client_id == client_id,
                                                            mapping_profiles.c.name == name)).rowcount
        if done:
            audit.record(conn, client_id=client_id, actor=actor, action="mapping_profile.delete",
                         entity="mapping_profile", entity_key=name)
    return bool(done)


def _profile(row) -> MappingProfile:
    return MappingProfile(row.id, row.client_id, row.name, row.content, row.version, row.updated_at, row.updated_by)
