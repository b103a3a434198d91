"""The step-by-step import of the app, without Streamlit: upload -> mapping -> validate -> store.

An upload is copied (size checked first, streamed, never parsed before the checks) into a
per-session folder below ``<data dir>/uploads``. The page then builds one ``EntityMapping`` per
entity from the user's choices (``build_mapping``); the staged mappings form one ``Manifest``
whose files live in that folder, so validation (``validate_staged``) and the saved mapping
profiles use the one manifest format. Planning, committing and restoring versions (append or
replace per table, the effect preview, referential integrity) are ``services.dataset_versions``;
``commit``, ``versions_table`` and ``kpi_preview`` are re-exported here for the callers of this module.
"""
from __future__ import annotations

import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from sqlalchemy import Engine

from core.cells import neutralise_frame
from core.errors import DataImportError, InputError, Problem
from data.dataset import ImportResult, read_dataset
from data.manifest import EntityMapping, Manifest, Unpivot, parse_manifest
from data.mapping import suggest_columns
from data.reading import SUFFIXES, ReadOptions, read_table
from data.schema import load_schema
from data.validation import write_report_csv
from services.dataset_versions import commit, kpi_preview, versions_table  # noqa: F401 - re-exported
from services.import_merge import APPEND, MODES, REPLACE  # noqa: F401 - re-exported
from storage import datasets as store
from data.workbook import check_xlsx_container
from data.workbook import sheet_names
import io

UPLOAD_SUFFIXES = SUFFIXES
REFUSED_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xls")
PREVIEW_ROWS = 8
STALE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Upload:
    """A file the user uploaded, saved below the session folder as ``<entity>/<name>``."""

    entity: str
    name: str  # the user's file name, made safe
    path: Path
    size: int

    @property
    def relative(self) -> str:  # the manifest's ``file:`` (relative to the session folder)
        return f"{self.entity}/{self.name}"


def session_dir(data_dir: str | Path, token: str | None = None) -> Path:
    """A fresh (or the given) per-session upload folder; stale folders of old sessions are removed."""
    root = Path(data_dir) / "uploads"
    root.mkdir(parents=True, exist_ok=True)
    _remove_stale(root)
    token = token or uuid.uuid4().hex
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        raise InputError(f"invalid upload session {token!r}", key="import.session_invalid")
    folder = root / token
    folder.mkdir(exist_ok=True)
    return folder


def discard(folder: Path) -> None:
    """Remove a session's uploads (after the import, or when the user starts over)."""
    shutil.rmtree(folder, ignore_errors=True)


def _remove_stale(root: Path) -> None:
    limit = time.time() - STALE_SECONDS
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def safe_name(name: str) -> str:
    """The file name without folders or odd characters (``../../x.csv`` -> ``x.csv``)."""
    base = re.split(r"[\\/]", str(name or ""))[-1].strip()
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .") or "upload"
    return base[-120:]


def check_upload(name: str, size: int, max_mb: int) -> None:
    """Refuse by name and size, before a byte is written or parsed."""
    suffix = Path(name).suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        raise DataImportError(f"{name}: {suffix} files are refused", [Problem(name, f"{suffix}: macro or old "
                              "Excel format", key="upload.refused_kind", values=(("suffix", suffix),))],
                              hint="save the sheet as .xlsx (without macros) or .csv", key="upload.refused",
                              hint_key="upload.refused_hint", values={"file": name, "suffix": suffix})
    if suffix not in UPLOAD_SUFFIXES:
        expected = ", ".join(UPLOAD_SUFFIXES)
        raise DataImportError(f"{name}: unsupported file type {suffix or '(none)'}",
                              [Problem(name, f"expected one of {list(UPLOAD_SUFFIXES)}", key="upload.expected",
                                       values=(("expected", expected),))],
                              key="upload.type", values={"file": name, "suffix": suffix or "–"})
    if size > max_mb * 1024 * 1024:
        mb = f"{size / 1024 / 1024:.1f}"
        raise DataImportError(f"{name}: {mb} MB, more than the limit of {max_mb} MB",
                              [Problem(name, "file too large", key="upload.too_large_problem")],
                              hint="split the export or raise COCKPIT_MAX_UPLOAD_MB", key="upload.too_large",
                              hint_key="upload.too_large_hint", values={"file": name, "mb": mb, "limit": max_mb})


def save_upload(folder: Path, entity: str, name: str, data: bytes | BinaryIO, max_mb: int,
                size: int | None = None) -> Upload:
    """Check, then copy the upload into ``folder/<entity>/`` in chunks, then probe that it reads.

    Anything refused leaves no file behind."""
    if entity not in load_schema():
        raise InputError(f"unknown entity {entity!r}", key="import.unknown_entity", values={"entity": entity})
    name = safe_name(name)
    if size is None:
        size = len(data) if isinstance(data, (bytes, bytearray)) else _stream_size(data)
    check_upload(name, size, max_mb)
    target_dir = folder / entity
    shutil.rmtree(target_dir, ignore_errors=True)  # one file per entity and session
    target_dir.mkdir(parents=True)
    path = target_dir / name
    limit = max_mb * 1024 * 1024
    try:
        written = 0
        with path.open("wb") as out:
            if isinstance(data, (bytes, bytearray)):
                out.write(data)
                written = len(data)
            else:
                while chunk := data.read(1 << 20):
                    written += len(chunk)
                    if written > limit:  # the stream was larger than announced
                        check_upload(name, written, max_mb)
                    out.write(chunk)
        upload = Upload(entity, name, path, written)
        probe(upload, max_mb)
        return upload
    except BaseException:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise


def _stream_size(stream: BinaryIO) -> int:
    pos = stream.tell()
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(pos)
    return end - pos


def probe(upload: Upload, max_mb: int) -> None:
    """Refuse a file that cannot be read (xlsx container checks, encoding, column count ...)."""
    if upload.path.suffix.lower() == ".xlsx":

        check_xlsx_container(upload.path)
    else:
        read_table(upload.path, ReadOptions(max_bytes=max_mb * 1024 * 1024)).head(0)


def sheets(upload: Upload) -> list[str]:
    """Sheet names of an xlsx upload (empty for text files)."""
    if upload.path.suffix.lower() != ".xlsx":
        return []
    return sheet_names(upload.path)


def read_upload(upload: Upload, sheet: str | int | None = None, delimiter: str | None = None,
                encoding: str | None = None, max_mb: int = 200) -> pd.DataFrame:
    """The uploaded table as text (the page previews its head and lists its columns)."""
    return read_table(upload.path, ReadOptions(sheet, delimiter, encoding, max_mb * 1024 * 1024))


def suggestion(entity: str, headers: list[str]) -> dict[str, str]:
    """field -> source column, from the synonyms of ``config/entities.yaml``."""
    return suggest_columns([str(h) for h in headers], load_schema()[entity])


def parse_value_list(text: str) -> list[str]:
    """``"ja, J; x"`` -> ``["ja", "J", "x"]`` (comma or semicolon separated)."""
    return [v.strip() for v in re.split(r"[,;]", text or "") if v.strip()]


def build_mapping(upload: Upload, columns: dict[str, str | None], *, sheet: str | int | None = None,
                  delimiter: str | None = None, decimal: str | None = None, date_format: str | None = None,
                  true_values: dict[str, list[str]] | None = None, false_values: dict[str, list[str]] | None = None,
                  constants: dict[str, Any] | None = None, keep: list[str] | tuple[str, ...] = (),
                  unpivot: Unpivot | None = None) -> EntityMapping:
    """The user's choices as one ``EntityMapping`` (the manifest format). Empty choices drop out."""
    values: dict[str, dict[str, Any]] = {}
    for fld, words in (true_values or {}).items():
        values.setdefault(fld, {}).update({w: True for w in words})
    for fld, words in (false_values or {}).items():
        values.setdefault(fld, {}).update({w: False for w in words})
    consts = {k: v for k, v in (constants or {}).items() if v is not None and str(v).strip() != ""}
    cols = {k: v for k, v in columns.items() if v and k not in consts}
    return EntityMapping(upload.entity, upload.relative, sheet=sheet, delimiter=delimiter, decimal=decimal,
                         date_format=date_format, columns=cols, values={k: v for k, v in values.items() if v},
                         constants=consts, keep=tuple(keep), unpivot=unpivot)


def build_manifest(folder: Path, staged: dict[str, EntityMapping]) -> Manifest:
    """The staged mappings as a validated manifest over the session folder."""
    if not staged:
        raise InputError("Nothing to import yet.", hint="upload a file and map its columns first", key="import.nothing",
                         hint_key="import.nothing_hint")
    text = Manifest(dict(staged), folder, "import").to_yaml()
    return parse_manifest(text, folder, "import")


def validate_staged(folder: Path, staged: dict[str, EntityMapping], max_mb: int) -> ImportResult:
    """Read, map and validate every staged entity; nothing is stored."""
    return read_dataset(build_manifest(folder, staged), max_bytes=max_mb * 1024 * 1024)


def report_csv(result: ImportResult) -> bytes:
    """The validation report as CSV bytes, formula-safe (``data.validation.write_report_csv``)."""
    buf = io.StringIO()
    write_report_csv(result.report, buf)
    return ("\ufeff" + buf.getvalue().lstrip("\ufeff")).encode("utf-8")


def rejected_csv(result: ImportResult, entity: str) -> bytes:
    """The rejected source rows of one entity (with row and reason), formula-safe."""
    frame = neutralise_frame(result.rejected.get(entity, pd.DataFrame()))  # values and source headers
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


# --- mapping profiles (the one manifest format, per client) ---------------------------------

def save_profile(engine: Engine, client_id: int, name: str, folder: Path, staged: dict[str, EntityMapping], *,
                 actor: str = "", expected_version: int | None = None) -> store.MappingProfile:
    return store.save_mapping_profile(engine, client_id, name, build_manifest(folder, staged).to_yaml(),
                                      actor=actor, expected_version=expected_version)


def load_profile(engine: Engine, client_id: int, name: str) -> Manifest:
    """The saved profile as a manifest (its files are not read: the user uploads new ones)."""
    profile = store.get_mapping_profile(engine, client_id, name)
    if profile is None:
        raise InputError(f"No mapping profile {name!r} for this client.", key="import.no_profile", values={"name": name})
    return parse_manifest(profile.content, Path("."), f"profile {name!r}")
