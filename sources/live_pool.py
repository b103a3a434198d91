"""The live sources of registered dataset versions (issue 12): one open ``LiveSource`` per version
and process, with its snapshot marker re-read at most every ``COCKPIT_LIVE_MARKER_S`` seconds.

A client's dataset version of kind ``live`` stores the manifest (``${NAME}`` placeholders as
written), no rows. ``live_version(key, manifest_yaml, manifest_path)`` opens it once (credentials
resolved now, from the environment or ``.streamlit/secrets.toml``), checks it with the counting
probe (``sources.live_check``) and keeps it; a later call within the marker interval returns it as
is, a later one re-reads the marker, so new rows in the client's database give a new ``marker``
(the cache keys of ``usecases.caching`` carry it) and unchanged ones keep hitting the cache.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from data.manifest import parse_manifest
from data.schema import ENTITY_NAMES
from sources.errors import LiveSourceError
from sources.live import LiveSource
from sources.live_check import LiveCheck, check_source

MARKER_ENV = "COCKPIT_LIVE_MARKER_S"
DEFAULT_MARKER_S = 30.0


@dataclass
class LiveVersion:
    """An open live source of one dataset version and its last check (counts, quality, snapshot)."""

    source: LiveSource
    check: LiveCheck
    read_at: float  # time.monotonic() of the last marker read

    @property
    def marker(self) -> str:
        return self.check.snapshot.key

    @property
    def as_of(self) -> str | None:
        return self.check.snapshot.as_of

    @property
    def relation(self) -> str:
        """What the source reads, in words for "Live-Quelle ...": the first entity's table (or query)."""
        entities = self.source.manifest.entities
        return entities[next(n for n in ENTITY_NAMES if n in entities)].source.relation


_POOL: dict[Hashable, LiveVersion] = {}
_LOCK = threading.Lock()  # guards the pool and the per-version locks
_LOCKS: dict[Hashable, threading.Lock] = {}


def marker_setting() -> float:
    """Seconds a snapshot marker is trusted before it is read again (``COCKPIT_LIVE_MARKER_S``, 30; 0 = every time)."""
    raw = (os.environ.get(MARKER_ENV) or "").strip()
    try:
        value = float(raw) if raw else DEFAULT_MARKER_S
    except ValueError:
        value = -1.0
    if value < 0:
        raise LiveSourceError(f"{MARKER_ENV}={raw!r} is not a number of seconds >= 0", MARKER_ENV,
                              key="sources.bad_timeout", values={"value": raw}, hint="e.g. 30")
    return value


def keep(key: Hashable, source: LiveSource, check: LiveCheck) -> None:
    """Pool a source just checked (at registration) under its version's ``key``."""
    with _LOCK:
        old = _POOL.pop(key, None)
        if old is not None and old.source is not source:
            old.source.close()
        _POOL[key] = LiveVersion(source, check, time.monotonic())


def live_version(key: Hashable, manifest_yaml: str, manifest_path: str | Path) -> LiveVersion:
    """The open source of the version ``key`` (database, client, version; opened and checked on
    first use), its marker fresh within ``marker_setting()`` seconds. One opening and one marker
    read at a time per version (the probe is a handful of counts); other versions do not wait."""
    every = marker_setting()
    with _LOCK:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        entry = _POOL.get(key)
        if entry is None:
            path = Path(manifest_path)
            source = LiveSource(parse_manifest(manifest_yaml, path.parent, path.name))
            try:
                entry = LiveVersion(source, check_source(source), time.monotonic())
            except BaseException:
                source.close()
                raise
            _POOL[key] = entry
        elif time.monotonic() - entry.read_at >= every:
            entry.source.snapshot_key = ""  # the probe itself must not be answered from the old snapshot
            entry.check, entry.read_at = check_source(entry.source), time.monotonic()
        return entry


def close_all() -> None:
    """Close every pooled source (tests; a restore of the database)."""
    with _LOCK:
        for entry in _POOL.values():
            entry.source.close()
        _POOL.clear()
        _LOCKS.clear()
