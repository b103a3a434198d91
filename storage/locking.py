"""Write transactions that run one after the other: read a count, decide, write, with nobody in between.

Throttles and caps (sign-in failures, wrong join codes, names per round) read how many attempts
there were and then record one more. Two such transactions must not both read the old count.
``serialised(engine, *keys)`` gives a transaction in which that holds:

- PostgreSQL: a transaction-scoped advisory lock per key (``pg_advisory_xact_lock``), taken in
  sorted order so two callers never wait for each other crosswise. Transactions with other keys
  run in parallel; callers may add ``SELECT ... FOR UPDATE`` on the rows they change.
- SQLite: ``BEGIN IMMEDIATE``, the database's write lock, taken before the first read (a plain
  deferred transaction would read, then fail with "database is locked" when it tries to write).
  Other writers wait for it through the busy timeout; it lasts milliseconds.

Errors are those of ``storage.db.transaction`` (``StorageError``; ``IntegrityError`` passes).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Connection, Engine, func, select

from storage.db import transaction


@contextmanager
def serialised(engine: Engine, *keys: str) -> Iterator[Connection]:
    """One atomic unit of work that excludes every other ``serialised`` one on the same keys."""
    if engine.dialect.name == "sqlite":
        # autocommit at the driver, so that our own BEGIN IMMEDIATE opens the transaction; the
        # commit (or rollback) of ``transaction`` then ends it through the driver's commit()
        with transaction(engine.execution_options(isolation_level="AUTOCOMMIT")) as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn
        return
    with transaction(engine) as conn:
        for key in sorted(set(keys)):
            conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))
        yield conn
