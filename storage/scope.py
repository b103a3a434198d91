"""Tell PostgreSQL which client this page run works for (row-level security, migration 0002).

The shell runs every page inside ``client_scope(client.id)``; ``install(engine)`` adds a pool
``checkout`` listener that sets the session variable ``app.client_id`` to the current scope on every
connection handed out (and commits it, so no transaction is left open and the next checkout
overwrites it: a pooled connection never carries a stale client). SQLite engines are left alone.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

ALL = "*"
_scope: ContextVar[str] = ContextVar("cockpit_client_scope", default="")


@contextmanager
def client_scope(client_id: int | str | None) -> Iterator[None]:
    """Queries inside see only ``client_id``'s rows (``None``: no scope; ``"*"``: every client)."""
    token = _scope.set("" if client_id is None else str(client_id))
    try:
        yield
    finally:
        _scope.reset(token)


def current() -> str:
    return _scope.get()


def scope_for(principal, team_mode: bool, client) -> str | None:
    """The scope of a page run: none in local mode and for a participant arriving by code (the
    vote page finds the round by code or token across clients); every client for an admin; else
    the selected client, or no client at all (``-1``) for someone with none assigned."""
    if not team_mode or principal is None:
        return None
    if principal.is_admin:
        return ALL
    return str(client.id) if client is not None else "-1"


def install(engine: Engine) -> None:
    """Add the listener once per engine (PostgreSQL only)."""
    if engine.dialect.name == "postgresql" and not event.contains(engine, "checkout", _on_checkout):
        event.listen(engine, "checkout", _on_checkout)


def _on_checkout(dbapi_conn, _record, _proxy) -> None:
    try:
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT set_config('app.client_id', %s, false)", (_scope.get(),))
        dbapi_conn.commit()
    except Exception as exc:  # the connection died after the ping: let the pool take another one
        raise DisconnectionError(str(exc)) from exc
