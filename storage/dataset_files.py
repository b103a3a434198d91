"""The files of the dataset store: Parquet writing with fsync, and the hidden temp folders a save
writes into before renaming them into place.

A save writes into ``<client>/.tmp-<pid>-<hex>``; a killed import leaves that folder behind.
``remove_stale_temp`` deletes the ones whose process is gone, or that are older than an hour
(``STALE_SECONDS``; a folder without a process id in its name, e.g. from an archive restore, by
age only). It runs at start (``services.bootstrap``) and before every save.
"""
from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import pandas as pd

TEMP_PREFIX = ".tmp-"
STALE_SECONDS = 3600


def temp_folder(client_dir: Path) -> Path:
    """A fresh temp folder name for this process (not created)."""
    return client_dir / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"


def remove_stale_temp(root: str | Path, now: float | None = None) -> list[Path]:
    """Delete stale temp folders below ``root`` (a store root or one client's folder); the removed."""
    root = Path(root)
    if not root.is_dir():
        return []
    now = time.time() if now is None else now
    candidates = list(root.glob(f"{TEMP_PREFIX}*")) + list(root.glob(f"*/{TEMP_PREFIX}*"))
    removed = []
    for folder in candidates:
        try:
            old = now - folder.stat().st_mtime > STALE_SECONDS
        except FileNotFoundError:  # its import just finished or cleaned up
            continue
        if folder.is_dir() and (old or not _owner_alive(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    if removed:
        logging.getLogger(__name__).info("removed %d stale import folder(s): %s", len(removed),
                                         ", ".join(str(p) for p in removed))
    return removed


def _owner_alive(name: str) -> bool:
    """False when the folder names a process id that no longer runs; True when it runs or is unknown."""
    pid = name[len(TEMP_PREFIX):].split("-", 1)[0]
    if not pid.isdigit() or "-" not in name[len(TEMP_PREFIX):]:
        return True  # no owner recorded: judged by age only
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # runs, under another user
        return True
    return True


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa  # on a save only: the app's start-up needs no pyarrow
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, path, compression="zstd")
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def link_parquet(source: Path, target: Path) -> None:
    """``source`` (a stored, never rewritten file) at ``target`` too: a hard link, or a copy where
    the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        with target.open("rb") as fh:
            os.fsync(fh.fileno())


def parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def read_parquet(path: Path) -> pd.DataFrame:
    """A stored frame with text as pandas' string dtype (as imported)."""
    import pyarrow as pa  # on a read only: see write_parquet
    import pyarrow.parquet as pq

    mapper = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}.get
    return pq.read_table(path).to_pandas(types_mapper=mapper)
