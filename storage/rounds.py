"""Assessment rounds (repository): create, list, the current question, the join code, open/closed.

Every function takes ``engine`` and ``client_id`` and every query filters on ``client_id``. A
round's join code is 6 characters of ``JOIN_CODE_ALPHABET``, unique over all rounds (the join
page names no client), valid ``JOIN_VALID`` from its issue; ``_with_fresh_code`` is the one place
that draws a code and retries on the rare collision. Importable from ``storage.assessments`` too.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import InputError
from storage import audit
from storage.db import now, reading, transaction
from storage.schema import assessment_rounds

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a workshop
JOIN_CODE_LENGTH = 6
JOIN_VALID = timedelta(hours=12)


@dataclass(frozen=True)
class Round:
    id: int
    client_id: int
    name: str
    model_id: str
    model_version: str
    aggregation: str
    status: str
    held_on: date | None
    join_code: str | None
    join_expires_at: datetime | None
    current_question_id: str | None
    created_at: datetime
    created_by: str
    version: int
    anonymous: bool = False  # the projector shows the votes without names


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _round(row) -> Round:
    d = dict(row._mapping)
    d["join_expires_at"] = _aware(d["join_expires_at"])
    d["created_at"] = _aware(d["created_at"])
    return Round(**d)


def _new_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


# -- rounds ------------------------------------------------------------------------------------
def create_round(engine: Engine, client_id: int, name: str, model, aggregation: str = "median",
                 actor: str = "", held_on: date | None = None, anonymous: bool = False) -> Round:
    """A new open round for ``model`` (a MaturityModel) with a fresh join code valid 12 hours;
    ``anonymous``: the presentation view shows how many chose what, never who."""
    name = (name or "").strip()
    if not name:
        raise InputError("A round needs a name.", hint="e.g. 'Workshop März 2025'", key="round.name_missing",
                         hint_key="round.name_missing_hint")
    if aggregation not in ("median", "mean"):
        raise InputError(f"aggregation {aggregation!r} is not one of ['median', 'mean']", key="round.aggregation",
                         values={"aggregation": aggregation})

    def write(conn: Connection, code: str) -> int:
        values = dict(client_id=client_id, name=name, model_id=model.id, model_version=model.version,
                      aggregation=aggregation, status="open", held_on=held_on, join_code=code,
                      anonymous=bool(anonymous), join_expires_at=now() + JOIN_VALID, created_at=now(),
                      created_by=actor or "", version=1)
        new_id = conn.execute(assessment_rounds.insert().values(**values)
                              .returning(assessment_rounds.c.id)).scalar_one()
        audit.record(conn, client_id=client_id, actor=actor, action="round.create", entity="assessment_round",
                     entity_key=str(new_id), after={"name": name, "model": model.id, "anonymous": bool(anonymous)})
        return new_id

    return get_round(engine, client_id, _with_fresh_code(engine, write))


def _with_fresh_code(engine: Engine, write: Callable[[Connection, str], int]) -> int:
    """Run ``write(conn, code)`` in a transaction with a new random join code; on a collision with
    another round's code (the unique index; astronomically rare) try again with another one."""
    for _attempt in range(5):
        try:
            with transaction(engine) as conn:
                return write(conn, _new_code())
        except IntegrityError:
            continue
    raise InputError("Could not create a unique join code; please retry.", key="round.code_collision")


def list_rounds(engine: Engine, client_id: int) -> list[Round]:
    """The client's rounds, newest first."""
    with reading(engine) as conn:
        rows = conn.execute(select(assessment_rounds).where(assessment_rounds.c.client_id == client_id)
                            .order_by(assessment_rounds.c.created_at.desc(), assessment_rounds.c.id.desc()))
        return [_round(r) for r in rows]


def get_round(engine: Engine, client_id: int, round_id: int) -> Round:
    with reading(engine) as conn:
        row = conn.execute(select(assessment_rounds).where(assessment_rounds.c.client_id == client_id,
                                                           assessment_rounds.c.id == round_id)).first()
    if row is None:
        raise _no_round(round_id)
    return _round(row)


def set_current_question(engine: Engine, client_id: int, round_id: int, question_id: str | None,
                         actor: str = "") -> None:
    """The question the facilitator shows; participants' devices follow it."""
    with transaction(engine) as conn:
        done = conn.execute(update(assessment_rounds)
                            .where(assessment_rounds.c.client_id == client_id, assessment_rounds.c.id == round_id)
                            .values(current_question_id=question_id, version=assessment_rounds.c.version + 1))
        if done.rowcount == 0:
            raise _no_round(round_id)


def renew_join_code(engine: Engine, client_id: int, round_id: int, actor: str = "", hours: float = 12) -> Round:
    """A fresh random join code for the round, valid ``hours`` from now; the old code stops working.

    Participants who already joined keep their token. Only an open round of this client can get
    a new code; the change is audited (without the codes themselves).
    """
    if not 0 < hours <= 24 * 7:
        raise InputError(f"hours {hours!r} is not between 0 and 168", hint="a workshop code lasts hours, not weeks",
                         key="round.hours", hint_key="round.hours_hint", values={"hours": hours})
    current = get_round(engine, client_id, round_id)  # InputError for another client's round
    if current.status != "open":
        raise InputError(f"Assessment round {round_id} is closed; open it again before renewing its join code.",
                         key="round.closed_code", values={"round": current.name})
    def write(conn: Connection, code: str) -> int:
        expires = now() + timedelta(hours=hours)
        done = conn.execute(update(assessment_rounds)
                            .where(assessment_rounds.c.client_id == client_id, assessment_rounds.c.id == round_id)
                            .values(join_code=code, join_expires_at=expires, version=assessment_rounds.c.version + 1))
        if done.rowcount == 0:
            raise _no_round(round_id)
        audit.record(conn, client_id=client_id, actor=actor, action="round.join_code", entity="assessment_round",
                     entity_key=str(round_id), after={"join_expires_at": expires.isoformat()})
        return round_id

    return get_round(engine, client_id, _with_fresh_code(engine, write))


def set_anonymous(engine: Engine, client_id: int, round_id: int, anonymous: bool, actor: str = "") -> None:
    """Switch the round option "anonymous voting" (the projector shows no names); audited."""
    with transaction(engine) as conn:
        done = conn.execute(update(assessment_rounds)
                            .where(assessment_rounds.c.client_id == client_id, assessment_rounds.c.id == round_id)
                            .values(anonymous=bool(anonymous), version=assessment_rounds.c.version + 1))
        if done.rowcount == 0:
            raise _no_round(round_id)
        audit.record(conn, client_id=client_id, actor=actor, action="round.anonymous", entity="assessment_round",
                     entity_key=str(round_id), after={"anonymous": bool(anonymous)})


def set_status(engine: Engine, client_id: int, round_id: int, status: str, actor: str = "") -> None:
    if status not in ("open", "closed"):
        raise InputError(f"status {status!r} is not one of ['open', 'closed']", key="round.status",
                         values={"status": status})
    with transaction(engine) as conn:
        conn.execute(update(assessment_rounds)
                     .where(assessment_rounds.c.client_id == client_id, assessment_rounds.c.id == round_id)
                     .values(status=status, version=assessment_rounds.c.version + 1))
        audit.record(conn, client_id=client_id, actor=actor, action=f"round.{status}", entity="assessment_round",
                     entity_key=str(round_id))


def _no_round(round_id: int) -> InputError:
    return InputError(f"Assessment round {round_id} does not exist for this client.", key="round.unknown")
