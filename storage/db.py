"""Engine, migrations and transactions.

``connect(url)`` returns a migrated engine (cached per URL): SQLite gets WAL, a busy timeout
and foreign keys; PostgreSQL gets pre-ping so a restarted server is picked up without an app
restart. ``transaction(engine)`` is the only way to write; database failures become
``StorageError`` with a hint, so the UI can say "database unreachable" instead of crashing.
"""
from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_engines: dict[str, Engine] = {}
_lock = threading.Lock()
log = logging.getLogger(__name__)
_SECRET = re.compile(r"(?i)(://[^:/@\s]*:)\S*@|(password\s*=\s*)('[^']*'|\S+)")


def now() -> datetime:
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    """A new engine for ``url`` (not migrated). SQLite files get their folder created."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # pragma: no cover - exercised by every sqlite test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except (OperationalError, DBAPIError) as exc:
        raise _storage_error(exc) from None


def connect(url: str) -> Engine:
    """The migrated engine for ``url``, created once per process."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            migrate(engine)
            _engines[url] = engine
        return engine


def forget(url: str) -> None:
    """Drop the cached engine (tests, or after a database was replaced)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One atomic unit of work: commits on success, rolls back on any error."""
    try:
        with engine.begin() as conn:
            yield conn
    except IntegrityError:
        raise
    except (OperationalError, DBAPIError) as exc:
        raise _storage_error(exc) from None


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as conn:
            yield conn
    except (OperationalError, DBAPIError) as exc:
        raise _storage_error(exc) from None


def _storage_error(exc: Exception) -> StorageError:
    """A ``StorageError`` whose text may reach a page: it never holds the driver's message (host,
    port, user, file paths, SQL); that goes to the log with any password masked."""
    orig = getattr(exc, "orig", exc)
    log.warning("database error (%s): %s", type(orig).__name__, hide_secrets(str(orig).strip()[:500]))
    if isinstance(exc, OperationalError):
        return StorageError("The database is not reachable or busy.",
                            hint="nothing was saved; check DATABASE_URL / that the server runs, then retry")
    return StorageError(f"The database refused the operation ({type(orig).__name__}).",
                        hint="nothing was saved; the server log names the cause")


def hide_secrets(text: str) -> str:
    """``text`` with passwords of URLs (``://user:secret@``) and of ``password=...`` masked."""
    return _SECRET.sub(lambda m: f"{m.group(1)}***@" if m.group(1) else f"{m.group(2)}***", text)
