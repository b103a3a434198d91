"""One import attempt under a memory watch: how it ended, and its peak memory.

``attempt(installation, "upload", entity, file)`` goes the app's way (save the upload, validate,
store); ``attempt(installation, "manifest", file.yaml)`` the command line's
(``services.importing.import_dataset``). The watch samples the process RSS every 2 ms from
``/proc/self/statm`` (native allocations of calamine and pyarrow included) and traces Python and
numpy allocations with ``tracemalloc``.
"""
from __future__ import annotations

import os
import threading
import time
import tracemalloc
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


class MemoryWatch:
    """``with MemoryWatch() as w: ...`` then ``w.rss_mb`` (peak growth) and ``w.traced_mb``."""

    def __enter__(self) -> "MemoryWatch":
        self.base = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        tracemalloc.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss())
            time.sleep(0.002)

    def __exit__(self, *exc) -> None:
        self.traced_mb = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())
        self.rss_mb = (self.peak - self.base) / 1e6


def attempt(installation: dict, mode: str, *args: str) -> dict:
    from core.errors import CockpitError
    from services import import_session as svc
    from services.importing import import_dataset

    settings, engine, client = installation["settings"], installation["engine"], installation["client"]
    out: dict = {"error": None, "message": ""}
    with MemoryWatch() as watch:
        try:
            if mode == "upload":
                entity, path = args[0], Path(args[1])
                folder = svc.session_dir(settings.data_dir)
                out["folder"] = str(folder)
                with path.open("rb") as fh:
                    upload = svc.save_upload(folder, entity, path.name, fh, settings.max_upload_mb,
                                             size=path.stat().st_size)
                result = svc.validate_staged(folder, {entity: svc.build_mapping(upload, {})}, settings.max_upload_mb)
                svc.commit(engine, settings.dataset_dir, client.id, result)
            else:
                info, result = import_dataset(engine, settings.dataset_dir, client.id, Path(args[0]))
                if info is None:
                    out["error"], out["message"] = "NotStored", result.report.describe()
        except CockpitError as exc:
            out["error"], out["message"] = type(exc).__name__, exc.describe()
    out["rss_mb"], out["traced_mb"] = watch.rss_mb, watch.traced_mb
    return out
