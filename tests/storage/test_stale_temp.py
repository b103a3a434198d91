"""A killed import leaves a ``.tmp-*`` folder in the dataset store (issue 16.10): stale ones (their
process gone, or older than an hour) are removed at start and before a save; live ones are kept."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pandas as pd

from storage.dataset_files import STALE_SECONDS, remove_stale_temp, temp_folder
from storage.datasets import list_datasets, save_dataset


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _folder(parent, name, age: float = 0.0):
    path = parent / name
    (path / "orders.parquet").parent.mkdir(parents=True)
    (path / "orders.parquet").write_bytes(b"half written")
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def test_stale_folders_go_and_live_ones_stay(tmp_path):
    client = tmp_path / "7"
    killed = _folder(client, f".tmp-{_dead_pid()}-aaaa")
    live = _folder(client, f".tmp-{os.getpid()}-bbbb")
    old = _folder(client, f".tmp-{os.getpid()}-cccc", age=STALE_SECONDS + 60)
    legacy_fresh = _folder(client, ".tmp-0123abcd")  # no process id recorded: judged by age only
    legacy_old = _folder(client, ".tmp-4567ef01", age=STALE_SECONDS + 60)
    version = _folder(client, "v1", age=STALE_SECONDS + 60)
    removed = remove_stale_temp(tmp_path)
    assert sorted(p.name for p in removed) == sorted(p.name for p in (killed, old, legacy_old))
    assert live.is_dir() and legacy_fresh.is_dir() and version.is_dir()
    assert temp_folder(client).name.startswith(f".tmp-{os.getpid()}-")


def test_a_save_first_removes_what_a_killed_import_left(engine, client, tmp_path):
    leftover = _folder(tmp_path / str(client.id), f".tmp-{_dead_pid()}-dddd")
    info = save_dataset(engine, tmp_path, client.id, {"orders": pd.DataFrame({"channel": ["web"], "product": ["A"]})})
    assert not leftover.exists()
    assert sorted(p.name for p in (tmp_path / str(client.id)).iterdir()) == [f"v{info.version}"]
    assert [d.version for d in list_datasets(engine, client.id)] == [info.version]
