"""Acknowledged monitoring alerts (issue 11.1): who saw an alert, when, with what note.

An alert is named by its key (``kpi|period|kind|dim=member``, ``analytics.monitoring.Alert.key``)
within a scorecard, so an acknowledgement holds for the same alert on a later dataset version.
Acknowledging again replaces note, person and time; both are audited (``alert.acknowledge``) in
the same transaction. Every function takes ``engine`` and ``client_id``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from storage import audit
from storage.db import now, reading, transaction
from storage.schema import alert_acknowledgements as t

MAX_NOTE = 2000


@dataclass(frozen=True)
class Acknowledgement:
    alert_key: str
    note: str
    dataset_version: int | None
    at: datetime
    by: str


def acknowledgements(engine: Engine, client_id: int, scorecard_id: str) -> dict[str, Acknowledgement]:
    """Every acknowledged alert of the client's scorecard, by alert key."""
    with reading(engine) as conn:
        rows = conn.execute(select(t.c.alert_key, t.c.note, t.c.dataset_version, t.c.acknowledged_at,
                                   t.c.acknowledged_by)
                            .where(t.c.client_id == client_id, t.c.scorecard_id == scorecard_id)).all()
    return {r.alert_key: Acknowledgement(*r) for r in rows}


def acknowledge(engine: Engine, client_id: int, scorecard_id: str, alert_key: str, note: str = "",
                dataset_version: int | None = None, actor: str = "") -> Acknowledgement:
    """Store (or renew) the acknowledgement of ``alert_key``; audited with the note before and after."""
    note = (note or "").strip()[:MAX_NOTE]
    where = (t.c.client_id == client_id, t.c.scorecard_id == scorecard_id, t.c.alert_key == alert_key)
    values = {"note": note, "dataset_version": dataset_version, "acknowledged_at": now(),
              "acknowledged_by": actor or ""}
    for attempt in range(2):  # a concurrent first acknowledgement wins the insert: then update it
        try:
            with transaction(engine) as conn:
                old = conn.execute(select(t.c.note, t.c.acknowledged_by).where(*where)).first()
                if old is None:
                    conn.execute(t.insert().values(client_id=client_id, scorecard_id=scorecard_id,
                                                   alert_key=alert_key, **values))
                else:
                    conn.execute(update(t).where(*where).values(**values))
                audit.record(conn, client_id=client_id, actor=actor, action="alert.acknowledge", entity="alert",
                             entity_key=f"{scorecard_id}:{alert_key}"[:200],
                             before=None if old is None else {"note": old.note, "by": old.acknowledged_by},
                             after={"note": note, "dataset_version": dataset_version})
            break
        except IntegrityError:
            if attempt:
                raise
    return Acknowledgement(alert_key, note, dataset_version, values["acknowledged_at"], actor or "")
