"""Consensus ratings and targets of assessment rounds (repository).

Rounds (create, join code, current question, status) are in ``storage.rounds``; participants and
their votes (registering, joining by code with its throttles, tokens, votes) in
``storage.participants``; both are importable from here too.

Every function takes ``engine`` and ``client_id`` and every query filters on ``client_id``.
Ratings and targets use optimistic versioning: pass the ``version`` you read as
``expected_version`` (``None`` when you believe there is no row yet); if someone changed it first,
``ConflictError.current`` carries what the database holds now. Each rating/target change writes
an audit entry in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import ConflictError, InputError, Problem
from storage import audit
from storage.db import now, reading, transaction
from storage.participants import (Participant, add_participant, cast_vote, join_by_code,  # noqa: F401
                                  list_participants, open_link, participant_by_token, reissue_link,
                                  votes_frame)  # re-exported for callers
from storage.rounds import (JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, JOIN_VALID, Round, create_round,  # noqa: F401
                            get_round, list_rounds, renew_join_code, set_anonymous, set_current_question,
                            set_status)
from storage.schema import ratings, targets as targets_table


@dataclass(frozen=True)
class Target:
    group_id: str
    target: float
    version: int


# -- consensus ratings and targets (optimistic versioning) ------------------------------------
def _versioned_write(engine: Engine, client_id: int, table, key: dict, values: dict, expected_version: int | None,
                     actor: str, action: str, entity: str) -> int:
    """Insert (expected_version None) or update (expected_version = the version read) one row.

    Returns the new version. Raises ConflictError with the current row when someone else wrote first.
    """
    where = [table.c.client_id == client_id] + [table.c[k] == v for k, v in key.items()]
    try:
        with transaction(engine) as conn:
            return _write_on(conn, client_id, table, key, values, expected_version, actor, action, entity)
    except IntegrityError:  # two first writes at once: the other one won
        with reading(engine) as conn:
            raise _conflict(entity, "/".join(str(v) for v in key.values()), _reread(conn, table, where)) from None


def _write_on(conn: Connection, client_id: int, table, key: dict, values: dict, expected_version: int | None,
              actor: str, action: str, entity: str) -> int:
    """The versioned write inside the caller's transaction, with its audit entry."""
    where = [table.c.client_id == client_id] + [table.c[k] == v for k, v in key.items()]
    entity_key = "/".join(str(v) for v in key.values())
    current = conn.execute(select(table).where(*where)).mappings().first()
    current = dict(current) if current else None
    if current is None and expected_version is None:
        new_version = 1
        conn.execute(table.insert().values(client_id=client_id, **key, **values, updated_at=now(),
                                           updated_by=actor or "", version=1))
    elif current is not None and current["version"] == expected_version:
        new_version = expected_version + 1
        done = conn.execute(update(table).where(*where, table.c.version == expected_version)
                            .values(**values, updated_at=now(), updated_by=actor or "", version=new_version))
        if done.rowcount != 1:
            raise _conflict(entity, entity_key, _reread(conn, table, where))
    else:
        raise _conflict(entity, entity_key, current)
    before = {k: current[k] for k in values} if current else None
    audit.record(conn, client_id=client_id, actor=actor, action=action, entity=entity,
                 entity_key=entity_key, before=before, after=dict(values))
    return new_version


def _reread(conn: Connection, table, where) -> dict | None:
    row = conn.execute(select(table).where(*where)).mappings().first()
    return dict(row) if row else None


def _conflict(entity: str, key: str, current: dict | None) -> ConflictError:
    return ConflictError(f"The {entity} {key} was changed by someone else in the meantime.", current=current,
                         hint="reload to see the current value, then apply your change again", key="conflict.record",
                         hint_key="conflict.record_hint")


def _no_value(question_id: str) -> InputError:
    return InputError("A consensus rating needs a value or 'not applicable'.",
                      [Problem(f"rating {question_id}", "no value", key="rating.no_value")], key="rating.needs_value")


def _check_round(engine: Engine, client_id: int, round_id: int) -> None:
    get_round(engine, client_id, round_id)  # raises for another client's round


def set_rating(engine: Engine, client_id: int, round_id: int, question_id: str, value: float | None,
               not_applicable: bool = False, rationale: str = "", note: str = "", evidence: str = "",
               expected_version: int | None = None, actor: str = "") -> int:
    """The facilitator's consensus for one question; returns the new version."""
    if value is None and not not_applicable:
        raise _no_value(question_id)
    _check_round(engine, client_id, round_id)
    values = {"value": None if not_applicable else float(value), "not_applicable": bool(not_applicable),
              "rationale": rationale or "", "note": note or "", "evidence": evidence or ""}
    return _versioned_write(engine, client_id, ratings, {"round_id": round_id, "question_id": question_id}, values,
                            expected_version, actor, "rating.set", "rating")


def set_ratings(engine: Engine, client_id: int, round_id: int, rows: list[dict], actor: str = "",
                summary: dict | None = None) -> list[int]:
    """Several consensus ratings in ONE transaction (the offline questionnaire merge): all or none.

    ``rows`` hold question_id, value, not_applicable, rationale, note, evidence, expected_version.
    A conflict on any row rolls back every row and raises ConflictError naming that question.
    ``summary`` is recorded as one extra ``questionnaire.import`` audit entry in the same transaction.
    """
    _check_round(engine, client_id, round_id)
    for row in rows:
        if row.get("value") is None and not row.get("not_applicable"):
            raise _no_value(row["question_id"])
    versions = []
    try:
        with transaction(engine) as conn:
            for row in rows:
                na = bool(row.get("not_applicable"))
                values = {"value": None if na else float(row["value"]), "not_applicable": na,
                          "rationale": row.get("rationale") or "", "note": row.get("note") or "",
                          "evidence": row.get("evidence") or ""}
                versions.append(_write_on(conn, client_id, ratings,
                                          {"round_id": round_id, "question_id": row["question_id"]}, values,
                                          row.get("expected_version"), actor, "rating.set", "rating"))
            if summary is not None:
                audit.record(conn, client_id=client_id, actor=actor, action="questionnaire.import",
                             entity="assessment_round", entity_key=str(round_id), after=summary)
    except IntegrityError:  # a first write raced with another one: nothing of this merge stays
        raise ConflictError("A rating was changed by someone else in the meantime; nothing was merged.",
                            hint="reload, compare again, then merge", key="conflict.merge",
                            hint_key="conflict.merge_hint") from None
    return versions


def ratings_frame(engine: Engine, client_id: int, round_id: int) -> pd.DataFrame:
    """question_id, value, not_applicable, rationale, note, evidence, version, updated_at, updated_by."""
    cols = ["question_id", "value", "not_applicable", "rationale", "note", "evidence", "version", "updated_at",
            "updated_by"]
    with reading(engine) as conn:
        rows = conn.execute(select(*(ratings.c[c] for c in cols))
                            .where(ratings.c.client_id == client_id, ratings.c.round_id == round_id)
                            .order_by(ratings.c.question_id)).all()
    return pd.DataFrame(rows, columns=cols).astype({"question_id": "string", "value": "float64",
                                                   "not_applicable": "bool", "version": "int64"})


def set_target(engine: Engine, client_id: int, round_id: int, group_id: str, target: float,
               expected_version: int | None = None, actor: str = "") -> int:
    """The target level of one domain; returns the new version."""
    _check_round(engine, client_id, round_id)
    return _versioned_write(engine, client_id, targets_table, {"round_id": round_id, "group_id": group_id},
                            {"target": float(target)}, expected_version, actor, "target.set", "target")


def targets(engine: Engine, client_id: int, round_id: int) -> dict[str, Target]:
    with reading(engine) as conn:
        rows = conn.execute(select(targets_table.c.group_id, targets_table.c.target, targets_table.c.version)
                            .where(targets_table.c.client_id == client_id, targets_table.c.round_id == round_id))
        return {r.group_id: Target(r.group_id, r.target, r.version) for r in rows}
