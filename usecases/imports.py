"""The import page's steps before the commit: a per-session upload folder, saving and reading an
upload, validating the staged mappings, mapping profiles, the version list and the KPI preview.
Each step that reads or writes the client's files or rows needs ``import.run``; the pure mapping
builders (``build_mapping``, ``build_manifest``, ``suggestion``, ``parse_value_list``) are the
service's own functions. The commit itself is ``usecases.datasets.commit``.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pandas as pd

from data.dataset import ImportResult
from data.manifest import EntityMapping, Manifest
from services import import_session as svc
from services.import_session import (PREVIEW_ROWS, Upload, build_manifest, build_mapping,  # noqa: F401 - the page's API
                                     discard, parse_value_list, rejected_csv, report_csv, sheets, suggestion)
from storage import datasets as store
from storage.datasets import DatasetInfo
from usecases.session import Session, require, scoped


def upload_folder(session: Session, token: str) -> Path:
    """The browser session's upload folder below the data directory (old ones are removed)."""
    require(session, "import.run")
    return svc.session_dir(session.settings.data_dir, token)


def save_upload(session: Session, folder: Path, entity: str, name: str, data: bytes | BinaryIO,
                size: int | None = None) -> Upload:
    """Check name and size against the upload limit, then copy the file (refused: nothing kept)."""
    require(session, "import.run")
    return svc.save_upload(folder, entity, name, data, session.settings.max_upload_mb, size=size)


def read_upload(session: Session, upload: Upload, sheet=None, delimiter: str | None = None) -> pd.DataFrame:
    require(session, "import.run")
    return svc.read_upload(upload, sheet, delimiter, None, session.settings.max_upload_mb)


def validate(session: Session, folder: Path, staged: dict[str, EntityMapping]) -> ImportResult:
    require(session, "import.run")
    return svc.validate_staged(folder, staged, session.settings.max_upload_mb)


def profiles(session: Session) -> list[str]:
    require(session, "import.run")
    with scoped(session):
        return [p.name for p in store.list_mapping_profiles(session.engine, session.client_id)]


def save_profile(session: Session, name: str, folder: Path, staged: dict[str, EntityMapping]):
    require(session, "import.run")
    with scoped(session):
        return svc.save_profile(session.engine, session.client_id, name, folder, staged, actor=session.actor)


def load_profile(session: Session, name: str) -> Manifest:
    require(session, "import.run")
    with scoped(session):
        return svc.load_profile(session.engine, session.client_id, name)


def versions_table(session: Session, names: dict[str, str]) -> pd.DataFrame:
    require(session, "scorecard.view")
    with scoped(session):
        return svc.versions_table(session.engine, session.client_id, names)


def kpi_preview(session: Session, info: DatasetInfo) -> pd.DataFrame:
    require(session, "scorecard.view")
    return svc.kpi_preview(session.settings.dataset_dir, info)
