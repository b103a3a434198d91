"""Clients, the audit log and the installation's settings: the settings page and
``cli.py client ...``. Creating a client needs ``client.create``, reading the audit log
``audit.view``, seeing where the data lives ``settings.edit``."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

import definitions
from core import formatting
from auth.guard import visible_clients
from core.settings import Settings
from services import audit_view
from services.bootstrap import ensure_ready
from storage import audit
from storage.clients import Client, get_client, list_clients, slugify
from storage.clients import create_client as store_client
from usecases.session import Session, current_principal, require, scoped


@dataclass(frozen=True)
class StorageInfo:
    database: str      # the URL without password
    data_dir: str


def my_clients(session: Session) -> list[Client]:
    """The clients the principal may see (every client outside team mode)."""
    principal = current_principal(session)
    if not session.team_mode:
        return list_clients(session.engine)
    return visible_clients(principal, list_clients(session.engine))


def create_client(session: Session, name: str, slug: str | None = None) -> Client:
    require(session, "client.create", client=False)
    return store_client(session.engine, name, slug=slug, actor=session.actor)


def ensure_client(session: Session, name: str) -> Client:
    """The client with this name (by its short name); created when missing (needs ``client.create``)."""
    existing = get_client(session.engine, slugify(name))
    return existing if existing is not None else create_client(session, name)


def audit_log(session: Session, lang: str = "de", limit: int = 200) -> pd.DataFrame:
    """The audit log as people read it: actions, objects and fields named in ``lang``, times and
    numbers in its format (``services.audit_view``)."""
    require(session, "audit.view")
    with scoped(session):
        rows = audit.entries(session.engine, session.client_id, limit=limit)
    return audit_view.readable(rows, lang)


def storage_info(session: Session) -> StorageInfo:
    require(session, "settings.edit", client=False)
    return StorageInfo(session.engine.url.render_as_string(hide_password=True), str(session.settings.data_dir))


def set_locale(session: Session, locale: str | None) -> str:
    """The number, currency and date formats of the German pages for this server process, until
    a restart (then ``COCKPIT_LOCALE`` again); ``None``: back to the setting."""
    require(session, "settings.edit", client=False)
    return formatting.use_locale(locale)


def open_installation(settings: Settings) -> Engine:
    """Check every definition file (``definitions.shipped``: a broken ``config/`` stops the start
    with one ConfigError naming each file and path, before anything is migrated or seeded), then
    migrate the database and, on an empty installation, load the demo client (once per process)."""
    definitions.shipped()
    return ensure_ready(settings)
