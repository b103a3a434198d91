"""Workshop participants and their votes (repository).

Participants are registered by the facilitator or join with the round's code. Votes are upserts on
(round, question, participant), so two participants voting at once, or one voting twice, leave
exactly one row each.

**Registered names** (issue 14 item 4). A name the facilitator registered is unclaimed
(``claimed_at`` NULL) until its person takes it up, in one of two ways:

- joining with the code and that name (compared without case and extra blanks) claims it and
  issues a **new** token: the personal link printed for that name stops working, so two devices
  never share one identity unnoticed (the person holding the printed link finds it refused and
  tells the facilitator);
- opening the personal link claims it and keeps the token.

A claimed name is never handed out again by code: a second "Anna" is refused
(``vote.name_taken``), whether the first came by code or by link. Whoever knows the code and
the name first wins, the same as for any name typed in by code; the facilitator sees on the
personal-link sheet who has claimed and when, and ``reissue_link`` gives a registration a fresh
token and makes it unclaimed again (the device that held it loses the identity at its next
request), so a name taken by the wrong person is recovered without a new round.

``join_by_code`` is the one entry without an account, so it is throttled (issue 16 item 5). The
code space is about 30 bits (6 of 32 characters) for 12 hours, so guessing must stay slow:

- **per address**: after ``MAX_WRONG_PER_ADDRESS`` wrong codes within ``JOIN_WINDOW`` an address
  is refused, even with the right code, until the window has passed (``join:addr:<address>`` in
  ``rate_events``; the address comes from ``auth.addresses.client_address``);
- **per round**: a wrong code names no round, so it is a guess at every open round. A round
  whose code has met ``MAX_WRONG_PER_ROUND`` wrong codes (from any address, ``join:miss``) within
  ``JOIN_WINDOW`` since it was issued cools down: nobody new joins with it until the window has
  passed or the facilitator renews the code (``renew_join_code``; the issue time is the round's
  latest ``round.create`` / ``round.join_code`` audit entry);
- **names per round**: at most ``COCKPIT_MAX_PARTICIPANTS`` (default 60) names join by code;
  the facilitator may still register more (``add_participant``).

Joins run one after the other (``storage.locking.serialised``), so the counts are exact. The
messages of the throttles are in the participant's language (``lang``).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from core.errors import CockpitError, InputError, PermissionDenied, Problem
from core.i18n import DEFAULT_LANGUAGE, t
from core.settings import load_settings
from storage import audit
from storage.db import now, reading, transaction
from storage.locking import serialised
from storage.schema import assessment_rounds, audit_log, participants, rate_events, votes

JOIN_WINDOW = timedelta(minutes=15)
MAX_WRONG_PER_ADDRESS = 10
MAX_WRONG_PER_ROUND = 50
MISS = "join:miss"


@dataclass(frozen=True)
class Participant:
    id: int
    client_id: int
    round_id: int
    name: str
    token: str
    claimed_at: datetime | None = None  # None: registered by the facilitator, not taken up yet


def add_participant(engine: Engine, client_id: int, round_id: int, name: str) -> Participant:
    """The facilitator registers a name (no code, no throttle, no cap)."""
    name = (name or "").strip()
    if not name:
        raise InputError("A participant needs a name.", key="participant.name_missing")
    try:
        with transaction(engine) as conn:
            found = conn.execute(select(assessment_rounds.c.id).where(assessment_rounds.c.client_id == client_id,
                                                                      assessment_rounds.c.id == round_id)).first()
            if found is None:
                raise InputError(f"Assessment round {round_id} does not exist for this client.", key="round.unknown")
            if any(_same_name(n, name) for n in conn.execute(select(participants.c.name)
                                                             .where(participants.c.round_id == round_id)).scalars()):
                raise _name_taken(name)
            return _insert_participant(conn, client_id, round_id, name, claimed=False)
    except IntegrityError:
        raise _name_taken(name) from None


def join_by_code(engine: Engine, code: str, name: str, *, address: str = "", lang: str = DEFAULT_LANGUAGE,
                 max_participants: int | None = None) -> Participant:
    """A participant joins an open round with its code; the token lets them rejoin after a refresh.

    ``address`` is where the attempt comes from (empty: not known, then only the per-round
    throttle applies); ``max_participants`` defaults to the setting."""
    code, name = (code or "").strip().upper()[:32], (name or "").strip()
    if not name:
        raise InputError(t("vote.name_missing", lang), hint=t("vote.name_missing_hint", lang), key="vote.name_missing",
                         hint_key="vote.name_missing_hint")
    cap = max_participants if max_participants is not None else load_settings().max_participants
    try:
        with serialised(engine, "join") as conn:
            outcome = _join_on(conn, code, name, f"join:addr:{address}"[:200] if address else "", lang, cap)
    except IntegrityError:  # the facilitator registered the same name a moment ago
        raise _name_taken(name, lang) from None
    if isinstance(outcome, CockpitError):  # raised after the commit, so that a wrong code stays counted
        raise outcome
    return outcome


def _join_on(conn: Connection, code: str, name: str, addr_key: str, lang: str, cap: int
             ) -> Participant | CockpitError:
    at = now()
    since = at - JOIN_WINDOW
    minutes = int(JOIN_WINDOW.total_seconds() // 60)
    conn.execute(rate_events.delete().where(rate_events.c.key.in_([MISS, addr_key]), rate_events.c.at <= since))
    if addr_key and _count(conn, addr_key, since) >= MAX_WRONG_PER_ADDRESS:
        return PermissionDenied(t("vote.join_throttled", lang, minutes=minutes),
                                [Problem("join code", f"{MAX_WRONG_PER_ADDRESS} wrong codes from this address "
                                                      f"within {minutes} minutes")],
                                hint=t("vote.join_throttled_hint", lang))
    row = conn.execute(select(assessment_rounds.c.id, assessment_rounds.c.client_id, assessment_rounds.c.status,
                              assessment_rounds.c.join_expires_at)
                       .where(assessment_rounds.c.join_code == code)).first()
    if row is None or row.status != "open" or (_utc(row.join_expires_at) or at) < at:
        conn.execute(insert(rate_events), [{"key": key, "at": at} for key in (MISS, addr_key) if key])
        return PermissionDenied(t("vote.code_invalid", lang), hint=t("vote.code_invalid_hint", lang))
    issued = conn.execute(select(func.max(audit_log.c.at)).where(
        audit_log.c.client_id == row.client_id, audit_log.c.entity == "assessment_round",
        audit_log.c.entity_key == str(row.id), audit_log.c.action.in_(["round.create", "round.join_code"]))).scalar()
    if _count(conn, MISS, max(since, _utc(issued) or since)) >= MAX_WRONG_PER_ROUND:
        return PermissionDenied(t("vote.join_cooldown", lang, minutes=minutes),
                                [Problem("join code", f"{MAX_WRONG_PER_ROUND} wrong codes within {minutes} minutes "
                                                      "since this code was issued")],
                                hint=t("vote.join_cooldown_hint", lang))
    names = conn.execute(select(participants.c.id, participants.c.name, participants.c.claimed_at)
                         .where(participants.c.round_id == row.id)).all()
    same = next((p for p in names if _same_name(p.name, name)), None)
    if same is not None and same.claimed_at is None:  # a registered name: its person takes it up
        return _claim(conn, row.client_id, row.id, same.id, same.name)
    if same is not None:
        return _name_taken(same.name, lang)
    if len(names) >= cap:
        return InputError(t("vote.round_full", lang, max=cap),
                          [Problem("participants", f"{len(names)} of at most {cap} have joined")],
                          hint=t("vote.round_full_hint", lang))
    return _insert_participant(conn, row.client_id, row.id, name)


def _claim(conn: Connection, client_id: int, round_id: int, participant_id: int, name: str) -> Participant:
    """Take up a registered name by code: claimed now, with a new token (the printed link dies)."""
    token, at = secrets.token_urlsafe(24), now()
    conn.execute(participants.update().where(participants.c.id == participant_id, participants.c.claimed_at.is_(None))
                 .values(token=token, claimed_at=at))
    return Participant(participant_id, client_id, round_id, name, token, at)


_COLUMNS = (participants.c.id, participants.c.client_id, participants.c.round_id, participants.c.name,
            participants.c.token, participants.c.claimed_at)


def _participant(row) -> Participant:
    return Participant(*row[:5], _utc(row[5]))


def participant_by_token(engine: Engine, token: str) -> Participant | None:
    if not token:
        return None
    with reading(engine) as conn:
        row = conn.execute(select(*_COLUMNS).where(participants.c.token == token)).first()
    return _participant(row) if row else None


def open_link(engine: Engine, token: str) -> Participant | None:
    """The participant of a personal link, which claims a registered name on first use (the token
    stays); None for an unknown token."""
    found = participant_by_token(engine, token)
    if found is None or found.claimed_at is not None:
        return found
    with transaction(engine) as conn:
        conn.execute(participants.update().where(participants.c.id == found.id, participants.c.claimed_at.is_(None))
                     .values(claimed_at=now()))
    return participant_by_token(engine, token)


def reissue_link(engine: Engine, client_id: int, round_id: int, participant_id: int, actor: str = "") -> Participant:
    """A fresh personal link for a participant, unclaimed again: the device that held the old one
    loses the identity (a name taken by the wrong person, a lost phone). Votes stay. Audited."""
    with transaction(engine) as conn:
        done = conn.execute(participants.update()
                            .where(participants.c.client_id == client_id, participants.c.round_id == round_id,
                                   participants.c.id == participant_id)
                            .values(token=secrets.token_urlsafe(24), claimed_at=None))
        if done.rowcount == 0:
            raise InputError(f"Participant {participant_id} is not in round {round_id}.", key="participant.unknown")
        audit.record(conn, client_id=client_id, actor=actor, action="participant.reissue", entity="participant",
                     entity_key=str(participant_id))
    return next(p for p in list_participants(engine, client_id, round_id) if p.id == participant_id)


def list_participants(engine: Engine, client_id: int, round_id: int) -> list[Participant]:
    with reading(engine) as conn:
        rows = conn.execute(select(*_COLUMNS)
                            .where(participants.c.client_id == client_id, participants.c.round_id == round_id)
                            .order_by(participants.c.id))
        return [_participant(r) for r in rows]


# -- votes --------------------------------------------------------------------------------------------------
def _upsert(conn: Connection, table):
    return pg_insert(table) if conn.dialect.name == "postgresql" else sqlite_insert(table)


def cast_vote(engine: Engine, client_id: int, round_id: int, question_id: str, participant_id: int,
              value: float | None, not_applicable: bool = False, note: str = "") -> None:
    """Store (or replace) one participant's answer to one question; safe under concurrent votes."""
    if not not_applicable and value is None:
        raise InputError("A vote needs a value or 'not applicable'.", key="vote.needs_value")
    with transaction(engine) as conn:
        owner = conn.execute(select(participants.c.id).join(assessment_rounds,
                                                             assessment_rounds.c.id == participants.c.round_id)
                             .where(participants.c.id == participant_id, participants.c.round_id == round_id,
                                    participants.c.client_id == client_id, assessment_rounds.c.status == "open")
                             ).first()
        if owner is None:
            raise PermissionDenied("This participant cannot vote in this round (unknown, or the round is closed).",
                                   key="vote.cannot_vote")
        at = now()
        stmt = _upsert(conn, votes).values(
            client_id=client_id, round_id=round_id, question_id=question_id, participant_id=participant_id,
            value=None if not_applicable else float(value), not_applicable=bool(not_applicable), note=note or "",
            created_at=at, updated_at=at, version=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[votes.c.round_id, votes.c.question_id, votes.c.participant_id],
            set_={"value": stmt.excluded.value, "not_applicable": stmt.excluded.not_applicable,
                  "note": stmt.excluded.note, "updated_at": stmt.excluded.updated_at,
                  "version": votes.c.version + 1})
        conn.execute(stmt)


def votes_frame(engine: Engine, client_id: int, round_id: int) -> pd.DataFrame:
    """question_id, participant (name), participant_id, value, not_applicable, note, updated_at."""
    query = (select(votes.c.question_id, participants.c.name.label("participant"), votes.c.participant_id,
                    votes.c.value, votes.c.not_applicable, votes.c.note, votes.c.updated_at)
             .join(participants, participants.c.id == votes.c.participant_id)
             .where(votes.c.client_id == client_id, votes.c.round_id == round_id)
             .order_by(votes.c.question_id, participants.c.name))
    with reading(engine) as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["question_id", "participant", "participant_id", "value", "not_applicable",
                                        "note", "updated_at"])
    return frame.astype({"question_id": "string", "participant": "string", "participant_id": "int64",
                         "value": "float64", "not_applicable": "bool", "note": "string"})


def _insert_participant(conn: Connection, client_id: int, round_id: int, name: str,
                        claimed: bool = True) -> Participant:
    """Caller converts the IntegrityError of a taken name with ``_name_taken`` (outside the transaction).
    ``claimed``: joined by code (the person is here); the facilitator's registrations are not."""
    token, at = secrets.token_urlsafe(24), now()
    new_id = conn.execute(participants.insert().values(
        client_id=client_id, round_id=round_id, name=name, token=token, joined_at=at,
        claimed_at=at if claimed else None).returning(participants.c.id)).scalar_one()
    return Participant(new_id, client_id, round_id, name, token, at if claimed else None)


def _same_name(a: str, b: str) -> bool:
    """"Anna  Test" and "anna test" are one person's name in a round."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _name_taken(name: str, lang: str = DEFAULT_LANGUAGE) -> InputError:
    return InputError(t("vote.name_taken", lang, name=name), hint=t("vote.name_taken_hint", lang))


def _count(conn: Connection, key: str, since: datetime) -> int:
    return conn.execute(select(func.count()).select_from(rate_events)
                        .where(rate_events.c.key == key, rate_events.c.at > since)).scalar_one()


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
