"""Answers kept between calls, keyed by what decides them.

Every key starts with the database URL, the client id and the dataset version (or another
version marker of what was read), then whatever else changes the answer (KPI ids, granularity,
filters). So one client's figures never appear for another, a new import is a new key rather than
a stale hit, and a Streamlit rerun or a second page asks the database once. The caches are
process-wide (one per kind of answer), bounded in size and age, and safe across threads.

A version whose rows can change without a new import (a live source, issue 12) is marked with
``mark_version``: every key of it then carries ``(version, marker())`` instead of the version
(the snapshot key: row counts and max timestamps, re-read at most every ``COCKPIT_LIVE_MARKER_S``
seconds), so new rows in the client's database give new answers and unchanged ones hit the cache.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

T = TypeVar("T")


class KeyedCache(Generic[T]):
    """``get(key, compute)``: the kept answer for ``key``, else ``compute()`` kept for ``ttl`` s."""

    def __init__(self, name: str, maxsize: int = 64, ttl: float = 3600):
        self.name = name
        self._data: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        if len(key) < 3:
            raise ValueError(f"{self.name}: a key starts with database, client and version, got {key!r}")
        key = versioned(key)
        with self._lock:
            if key in self._data:
                self.hits += 1
                return self._data[key]
        value = compute()  # outside the lock: a slow query does not block other keys
        with self._lock:
            self.misses += 1
            self._data[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_ALL: list[KeyedCache] = []
_MARKERS: dict[tuple, Callable[[], Hashable]] = {}  # (database, client, version) -> its marker


def mark_version(database: str, client_id: int, version: int, marker: Callable[[], Hashable]) -> None:
    """Key every answer of this version by ``marker()`` as well (see the module docstring)."""
    _MARKERS[(database, client_id, version)] = marker


def versioned(key: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
    """``key`` with its version replaced by ``(version, marker())`` when the version is marked."""
    marker = _MARKERS.get(key[:3])
    return key if marker is None else (key[0], key[1], (key[2], marker()), *key[3:])


def cache(name: str, maxsize: int = 64, ttl: float = 3600) -> KeyedCache:
    made = KeyedCache(name, maxsize, ttl)
    _ALL.append(made)
    return made


def clear_all() -> None:
    """Forget every kept answer (tests; after a restore of the database)."""
    for c in _ALL:
        c.clear()
