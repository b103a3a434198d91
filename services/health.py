"""Is the database there? A cheap probe for the UI and for monitoring.

``probe(engine)`` runs ``SELECT 1`` through ``storage.db.reading`` and never raises: a lost
database is a ``Health`` with ``ok=False`` and the reason. The engines themselves recover without a
restart: PostgreSQL pools use ``pool_pre_ping`` (a dead pooled connection is replaced before use)
and SQLite opens its file per connection.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, text

from core.errors import StorageError
from storage.db import reading


@dataclass(frozen=True)
class Health:
    ok: bool
    latency_ms: float | None
    detail: str = ""


def probe(engine: Engine) -> Health:
    """One round trip to the database; ``ok=False`` with the reason when it is not reachable."""
    start = time.perf_counter()
    try:
        with reading(engine) as conn:
            conn.execute(text("SELECT 1")).scalar_one()
    except StorageError as exc:
        return Health(False, None, exc.message)
    return Health(True, (time.perf_counter() - start) * 1000.0)


def wait_until_healthy(engine: Engine, timeout: float, interval: float = 0.5) -> Health:
    """Probe until the database answers or ``timeout`` seconds passed; the last result."""
    deadline = time.monotonic() + timeout
    while True:
        health = probe(engine)
        if health.ok or time.monotonic() >= deadline:
            return health
        time.sleep(interval)
