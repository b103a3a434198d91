"""Scorecard storage: a client's edited scorecard (YAML, optimistic version), manual KPI values
per period, and frozen snapshots of an evaluation.

Every function takes ``engine`` and ``client_id`` and every query filters on the client; every
write records an audit entry in the same transaction. The YAML is stored as text: validating it
(``scorecards.loader.parse_scorecard``) is the caller's job, before saving.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import ConflictError, InputError
from core.query import Period
from storage import audit
from storage.db import now, reading, transaction
from storage.schema import manual_values, scorecard_settings, snapshots


@dataclass(frozen=True)
class ScorecardSetting:
    scorecard_id: str
    content: str
    version: int
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    scorecard_id: str
    period: str
    label: str
    dataset_version: int | None
    round_id: int | None
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class Snapshot:
    info: SnapshotInfo
    payload: dict


# --- a client's edited scorecard ------------------------------------------------------------

def get_setting(engine: Engine, client_id: int, scorecard_id: str) -> ScorecardSetting | None:
    t = scorecard_settings
    with reading(engine) as conn:
        row = conn.execute(select(t.c.scorecard_id, t.c.content, t.c.version, t.c.updated_at, t.c.updated_by)
                           .where(t.c.client_id == client_id, t.c.scorecard_id == scorecard_id)).first()
    return ScorecardSetting(*row) if row else None


def list_settings(engine: Engine, client_id: int) -> list[ScorecardSetting]:
    t = scorecard_settings
    with reading(engine) as conn:
        rows = conn.execute(select(t.c.scorecard_id, t.c.content, t.c.version, t.c.updated_at, t.c.updated_by)
                            .where(t.c.client_id == client_id).order_by(t.c.scorecard_id)).all()
    return [ScorecardSetting(*r) for r in rows]


def save_setting(engine: Engine, client_id: int, scorecard_id: str, content: str, expected_version: int | None,
                 actor: str = "") -> int:
    """Store the client's scorecard YAML; returns the new version.

    ``expected_version`` is the version the editor started from (None: there was no copy yet).
    If someone saved in between, ConflictError carries what the database holds now.
    """
    t = scorecard_settings
    conflict = ConflictError(f"scorecard {scorecard_id!r} was changed by someone else",
                             hint="reload it, apply your change again, then save")
    try:
        with transaction(engine) as conn:
            row = conn.execute(select(t.c.version, t.c.content).where(
                t.c.client_id == client_id, t.c.scorecard_id == scorecard_id)).first()
            if row is None and expected_version is None:
                conn.execute(t.insert().values(client_id=client_id, scorecard_id=scorecard_id, content=content,
                                               updated_at=now(), updated_by=actor or "", version=1))
                new_version, before = 1, None
            elif row is not None and expected_version == row.version:
                done = conn.execute(update(t).where(t.c.client_id == client_id, t.c.scorecard_id == scorecard_id,
                                                    t.c.version == expected_version)
                                    .values(content=content, updated_at=now(), updated_by=actor or "",
                                            version=expected_version + 1))
                if done.rowcount != 1:
                    raise conflict
                new_version, before = expected_version + 1, {"version": row.version}
            else:
                raise conflict
            audit.record(conn, client_id=client_id, actor=actor, action="scorecard.save", entity="scorecard",
                         entity_key=scorecard_id, before=before, after={"version": new_version})
    except (ConflictError, IntegrityError):  # IntegrityError: a concurrent first save won the insert
        conflict.current = get_setting(engine, client_id, scorecard_id)
        raise conflict from None
    return new_version


def delete_setting(engine: Engine, client_id: int, scorecard_id: str, expected_version: int,
                   actor: str = "") -> None:
    """Drop the client's copy (back to the shipped default); ConflictError on a stale version."""
    t = scorecard_settings
    with transaction(engine) as conn:
        done = conn.execute(delete(t).where(t.c.client_id == client_id, t.c.scorecard_id == scorecard_id,
                                            t.c.version == expected_version))
        if done.rowcount == 1:
            audit.record(conn, client_id=client_id, actor=actor, action="scorecard.reset", entity="scorecard",
                         entity_key=scorecard_id, before={"version": expected_version})
    if done.rowcount != 1:
        raise ConflictError(f"scorecard {scorecard_id!r} was changed by someone else",
                            current=get_setting(engine, client_id, scorecard_id), hint="reload it and try again",
                            key="conflict.record", hint_key="conflict.record_hint")


# --- manual KPI values ------------------------------------------------------------------------

def set_manual_value(engine: Engine, client_id: int, kpi_id: str, period: str, value: float, note: str = "",
                     actor: str = "") -> None:
    """Insert or replace the hand-entered value of ``kpi_id`` in ``period`` (2024, 2024-Q1, 2024-03)."""
    label = Period.parse(period).label
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{kpi_id} {label}: {value!r} is not a number", hint="type a number, e.g. 6.5",
                         key="manual.not_a_number", hint_key="edit.not_a_number_hint",
                         values={"kpi": kpi_id, "period": label, "value": repr(value)})
    t = manual_values
    key = and_(t.c.client_id == client_id, t.c.kpi_id == kpi_id, t.c.period == label)
    for attempt in range(2):
        try:
            with transaction(engine) as conn:
                old = conn.execute(select(t.c.value, t.c.note).where(key)).first()
                values = {"value": float(value), "note": note or "", "updated_at": now(), "updated_by": actor or ""}
                if old is None:
                    conn.execute(t.insert().values(client_id=client_id, kpi_id=kpi_id, period=label, **values))
                else:
                    conn.execute(update(t).where(key).values(**values))
                audit.record(conn, client_id=client_id, actor=actor, action="manual_value.set", entity="manual_value",
                             entity_key=f"{kpi_id}/{label}",
                             before=None if old is None else {"value": old.value, "note": old.note},
                             after={"value": float(value), "note": note or ""})
            return
        except IntegrityError:  # someone inserted the same key concurrently: update it instead
            if attempt:
                raise


def delete_manual_value(engine: Engine, client_id: int, kpi_id: str, period: str, actor: str = "") -> bool:
    t, period = manual_values, Period.parse(period).label
    key = and_(t.c.client_id == client_id, t.c.kpi_id == kpi_id, t.c.period == period)
    with transaction(engine) as conn:
        old = conn.execute(select(t.c.value, t.c.note).where(key)).first()
        if old is None:
            return False
        conn.execute(delete(t).where(key))
        audit.record(conn, client_id=client_id, actor=actor, action="manual_value.delete", entity="manual_value",
                     entity_key=f"{kpi_id}/{period}", before={"value": old.value, "note": old.note})
    return True


def manual_frame(engine: Engine, client_id: int, kpi_ids: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """The client's manual values: columns kpi, period, value, note, updated_at, updated_by (the
    ``manual`` argument of ``scorecards.evaluation.evaluate``)."""
    t = manual_values
    query = select(t.c.kpi_id.label("kpi"), t.c.period, t.c.value, t.c.note, t.c.updated_at, t.c.updated_by).where(
        t.c.client_id == client_id)
    if kpi_ids is not None:
        query = query.where(t.c.kpi_id.in_(list(kpi_ids)))
    with reading(engine) as conn:
        rows = conn.execute(query.order_by(t.c.kpi_id, t.c.period)).all()
    frame = pd.DataFrame(rows, columns=["kpi", "period", "value", "note", "updated_at", "updated_by"])
    return frame.astype({"kpi": "string", "period": "string", "value": "float64", "note": "string",
                         "updated_by": "string"})


# --- snapshots --------------------------------------------------------------------------------

_INFO = (snapshots.c.id, snapshots.c.scorecard_id, snapshots.c.period, snapshots.c.label,
         snapshots.c.dataset_version, snapshots.c.round_id, snapshots.c.created_at, snapshots.c.created_by)


def save_snapshot(engine: Engine, client_id: int, payload: dict, label: str = "", dataset_version: int | None = None,
                  round_id: int | None = None, actor: str = "") -> int:
    """Freeze an evaluation (``ScorecardResult.to_dict()``, with the assessment beside it if wanted);
    later data corrections do not change it. Returns the snapshot id."""
    scorecard_id, period = payload.get("scorecard"), payload.get("period")
    if not scorecard_id or not period:
        raise InputError("a snapshot payload needs 'scorecard' and 'period'", hint="pass ScorecardResult.to_dict()",
                         key="snapshot.payload")
    with transaction(engine) as conn:
        new_id = conn.execute(snapshots.insert().values(
            client_id=client_id, scorecard_id=scorecard_id, period=period, label=label or "",
            dataset_version=dataset_version, round_id=round_id, payload=payload, created_at=now(),
            created_by=actor or "").returning(snapshots.c.id)).scalar_one()
        audit.record(conn, client_id=client_id, actor=actor, action="snapshot.create", entity="snapshot",
                     entity_key=str(new_id), after={"scorecard": scorecard_id, "period": period, "label": label,
                                                    "dataset_version": dataset_version, "round_id": round_id})
    return new_id


def list_snapshots(engine: Engine, client_id: int, scorecard_id: str | None = None) -> list[SnapshotInfo]:
    """Newest first, without payloads."""
    query = select(*_INFO).where(snapshots.c.client_id == client_id)
    if scorecard_id is not None:
        query = query.where(snapshots.c.scorecard_id == scorecard_id)
    with reading(engine) as conn:
        rows = conn.execute(query.order_by(snapshots.c.created_at.desc(), snapshots.c.id.desc())).all()
    return [SnapshotInfo(*r) for r in rows]


def get_snapshot(engine: Engine, client_id: int, snapshot_id: int) -> Snapshot | None:
    with reading(engine) as conn:
        row = conn.execute(select(*_INFO, snapshots.c.payload).where(
            snapshots.c.client_id == client_id, snapshots.c.id == snapshot_id)).first()
    return Snapshot(SnapshotInfo(*row[:-1]), row[-1]) if row else None


def delete_snapshot(engine: Engine, client_id: int, snapshot_id: int, actor: str = "") -> bool:
    with transaction(engine) as conn:
        done = conn.execute(delete(snapshots).where(snapshots.c.client_id == client_id,
                                                    snapshots.c.id == snapshot_id))
        if done.rowcount:
            audit.record(conn, client_id=client_id, actor=actor, action="snapshot.delete", entity="snapshot",
                         entity_key=str(snapshot_id))
    return bool(done.rowcount)
