"""The audit log: who changed what, when, from what to what. Written inside the same
transaction as the change it records, so there is never a change without its entry."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from storage.db import now, reading
from storage.schema import audit_log


def record(conn: Connection, *, client_id: int | None, actor: str, action: str, entity: str,
           entity_key: str = "", before: Any = None, after: Any = None) -> None:
    conn.execute(audit_log.insert().values(client_id=client_id, at=now(), actor=actor or "", action=action,
                                           entity=entity, entity_key=str(entity_key), before=before, after=after))


def entries(engine: Engine, client_id: int, limit: int = 500) -> list[dict]:
    """Newest first, for one client."""
    with reading(engine) as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.client_id == client_id)
                            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)).mappings()
        return [dict(r) for r in rows]
