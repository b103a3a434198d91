"""Who runs a command: the ``usecases`` Session of the command line.

The local operator is an admin whose changes are audited as ``cli:<login>`` (whoever has a shell
on the server owns the database anyway). With ``COCKPIT_USER=<username>`` a command runs as that
account instead, with its role and clients (team mode): the use cases then refuse what the role
may not do (exit code 4).
"""
from __future__ import annotations

import os


def login_actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name (containers)
        return "cli"


def operator(client=None, *, actor: str | None = None):
    """The session of this command (``client``: a ``storage.clients.Client`` found by the command;
    ``actor``: the local operator's name in the audit log, default ``cli:<login>``)."""
    from dataclasses import replace

    from usecases.session import cli_session

    user = os.environ.get("COCKPIT_USER") or None
    session = cli_session(user=user)
    if user is None:
        session = replace(session, principal=replace(session.principal, username=actor or login_actor()))
    return session.with_client(client) if client is not None else session


def find_client(session, name: str):
    """The client by short name, name (case-insensitive) or id, among those the session may see;
    InputError listing them."""
    from core.errors import InputError
    from storage.clients import slugify
    from usecases.admin import my_clients

    clients = my_clients(session)
    wanted = (name or "").strip()
    for c in clients:
        if wanted.lower() in (c.name.lower(), c.slug) or slugify(wanted) == c.slug or wanted == str(c.id):
            return c
    known = ", ".join(c.name for c in clients) or "none yet"
    raise InputError(f"There is no client {wanted!r}.", hint=f"known clients: {known}")
