"""Answers kept between calls, keyed by what decides them.

Every key starts with the database URL, the client id and the dataset version (or another
version marker of what was read), then whatever else changes the answer (KPI ids, granularity,
filters). So one client's figures never appear for another, a new import is a new key rather than
a stale hit, and a Streamlit rerun or a second page asks the database once. The caches are
process-wide (one per kind of answer), bounded in size and age, and safe across threads.
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


def cache(name: str, maxsize: int = 64, ttl: float = 3600) -> KeyedCache:
    made = KeyedCache(name, maxsize, ttl)
    _ALL.append(made)
    return made


def clear_all() -> None:
    """Forget every kept answer (tests; after a restore of the database)."""
    for c in _ALL:
        c.clear()
