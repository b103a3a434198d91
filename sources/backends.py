"""The database connections of a live source, read-only and with a statement timeout.

``connect(url, timeout_s, base_dir)`` picks the backend by the URL's scheme:

- PostgreSQL (``postgresql://``, driver psycopg through SQLAlchemy): the session is opened with
  ``default_transaction_read_only=on``, ``statement_timeout`` and ``TimeZone=UTC``, then
  ``SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY``; the server cancels a statement over
  the timeout itself (SQLSTATE 57014), a client-side timer cancels it as a backstop;
- DuckDB (``duckdb:///file.duckdb``, relative to the manifest's folder): opened ``read_only``,
  a timer interrupts a statement over the timeout;
- any other SQLAlchemy dialect (trino, snowflake, bigquery, databricks ...): its driver package,
  a timer calls the driver's ``cancel`` where it has one; nothing is ever committed.

Every backend returns the column names and rows of one statement; ``describe`` reads a relation's
column types from ``WHERE 1 = 0`` (no rows).
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

DIALECTS = {"postgresql": "postgres", "postgres": "postgres", "trino": "trino", "snowflake": "snowflake",
            "bigquery": "bigquery", "databricks": "databricks", "spark": "spark", "hive": "spark",
            "duckdb": "duckdb"}
GRACE_S = 2.0  # the client-side cancel waits this much longer than the server's own timeout


class TimedOut(Exception):
    """The client-side timer cancelled the statement."""


def dialect_of(url: str) -> str:
    return DIALECTS.get(url.split(":", 1)[0].split("+")[0].lower(), "")


class Backend:
    dialect = ""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.lock = threading.RLock()  # one session, shared by the app's threads: one statement at a time

    def execute(self, sql: str) -> tuple[list[str], list[tuple]]:
        with self.lock:
            return self._timed(sql)

    def _timed(self, sql: str) -> tuple[list[str], list[tuple]]:
        fired = threading.Event()

        def cancel() -> None:
            fired.set()
            self.cancel()

        timer = threading.Timer(self.timeout_s + GRACE_S, cancel)
        timer.daemon = True
        timer.start()
        try:
            return self._execute(sql)
        except Exception:
            if fired.is_set():
                raise TimedOut() from None
            raise
        finally:
            timer.cancel()

    def describe(self, relation_sql: str) -> dict[str, str]:
        """column -> the driver's type name, from a statement that returns no rows."""
        with self.lock:
            return self._describe(relation_sql)

    def _describe(self, relation_sql: str) -> dict[str, str]:
        cur = self._cursor()
        try:
            cur.execute(f"SELECT * FROM {relation_sql} WHERE 1 = 0")
            return {d[0]: self._type_name(d) for d in cur.description}
        finally:
            cur.close()

    def _execute(self, sql: str) -> tuple[list[str], list[tuple]]:
        cur = self._cursor()
        try:
            cur.execute(sql)
            names = [d[0] for d in cur.description]
            return names, [tuple(r) for r in cur.fetchall()]
        finally:
            cur.close()

    def _type_name(self, description: Any) -> str:
        return str(description[1])

    def _cursor(self) -> Any:
        raise NotImplementedError

    def cancel(self) -> None:
        """Stop the running statement (from the timer's thread)."""

    def close(self) -> None:
        """End the session; nothing is committed."""


class SqlAlchemyBackend(Backend):
    def __init__(self, url: str, timeout_s: float) -> None:
        super().__init__(timeout_s)
        self.dialect = dialect_of(url)
        args: dict[str, Any] = {}
        if self.dialect == "postgres":
            if url.startswith(("postgresql://", "postgres://")):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            ms = int(timeout_s * 1000)
            args = {"options": f"-c default_transaction_read_only=on -c statement_timeout={ms} -c TimeZone=UTC",
                    "connect_timeout": 10, "application_name": "crm-cockpit-live"}
        self.engine = create_engine(url, poolclass=NullPool, connect_args=args)
        self.raw = self.engine.raw_connection()
        if self.dialect == "postgres":
            cur = self.raw.cursor()
            cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cur.close()
            self.raw.rollback()

    def _cursor(self) -> Any:
        return self.raw.cursor()

    def _type_name(self, description: Any) -> str:
        return str(getattr(description, "type_display", None) or description[1])

    def _execute(self, sql: str) -> tuple[list[str], list[tuple]]:
        try:
            return super()._execute(sql)
        finally:
            self.raw.rollback()  # end the read-only transaction: nothing is ever committed

    def cancel(self) -> None:
        driver = getattr(self.raw, "driver_connection", None)
        if hasattr(driver, "cancel"):
            driver.cancel()

    def close(self) -> None:
        try:
            self.raw.rollback()
        finally:
            self.raw.close()
            self.engine.dispose()


class DuckDBBackend(Backend):
    dialect = "duckdb"

    def __init__(self, url: str, timeout_s: float, base_dir: Path) -> None:
        super().__init__(timeout_s)
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if not path:
            raise FileNotFoundError("duckdb:///<file>: no database file named")
        file = Path(path) if Path(path).is_absolute() else base_dir / path
        if not file.is_file():
            raise FileNotFoundError(f"{file}: no such DuckDB file")
        self.con = duckdb.connect(str(file), read_only=True)

    def _cursor(self) -> Any:
        return self.con

    def _execute(self, sql: str) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()

    def _describe(self, relation_sql: str) -> dict[str, str]:
        cur = self.con.execute(f"SELECT * FROM {relation_sql} WHERE 1 = 0")
        return {d[0]: str(d[1]) for d in cur.description}

    def cancel(self) -> None:
        self.con.interrupt()

    def close(self) -> None:
        self.con.close()


def connect(url: str, timeout_s: float, base_dir: Path) -> Backend:
    """A read-only session on the database of ``url`` (credentials already filled in)."""
    if dialect_of(url) == "duckdb":
        return DuckDBBackend(url, timeout_s, base_dir)
    return SqlAlchemyBackend(url, timeout_s)
