"""Clients (the organisations a consultancy works for). Everything else hangs off a client id."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from core.errors import InputError
from storage import audit
from storage.db import now, reading, transaction
from storage.schema import clients


@dataclass(frozen=True)
class Client:
    id: int
    slug: str
    name: str


def slugify(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
    slug = re.sub(r"[^a-z0-9]+", "-", name.translate(table).lower()).strip("-")
    return slug[:80] or "client"


def create_client(engine: Engine, name: str, slug: str | None = None, actor: str = "") -> Client:
    name = (name or "").strip()
    if not name:
        raise InputError("A client needs a name.", hint="type the organisation's name", key="client.name_missing",
                         hint_key="client.name_missing_hint")
    slug = slugify(slug or name)
    try:
        with transaction(engine) as conn:
            new_id = conn.execute(clients.insert().values(slug=slug, name=name, archived=False, created_at=now())
                                  .returning(clients.c.id)).scalar_one()
            audit.record(conn, client_id=new_id, actor=actor, action="client.create", entity="client",
                         entity_key=slug, after={"name": name})
    except IntegrityError:
        raise InputError(f"A client with the short name {slug!r} exists already.",
                         hint="choose another name", key="client.exists", hint_key="client.exists_hint",
                         values={"slug": slug}) from None
    return Client(new_id, slug, name)


def list_clients(engine: Engine, ids: set[int] | None = None) -> list[Client]:
    """All active clients, or only those in ``ids`` (the signed-in user's clients)."""
    query = select(clients.c.id, clients.c.slug, clients.c.name).where(clients.c.archived.is_(False))
    if ids is not None:
        query = query.where(clients.c.id.in_(sorted(ids)))
    with reading(engine) as conn:
        return [Client(*r) for r in conn.execute(query.order_by(clients.c.name))]


def get_client(engine: Engine, slug_or_id: str | int) -> Client | None:
    col = clients.c.id if isinstance(slug_or_id, int) else clients.c.slug
    with reading(engine) as conn:
        row = conn.execute(select(clients.c.id, clients.c.slug, clients.c.name).where(col == slug_or_id)).first()
    return Client(*row) if row else None
