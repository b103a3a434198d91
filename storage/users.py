"""User accounts, their clients and sign-in with throttling (identity-provider sign-in: ``storage.oidc_users``).

Sign-in with a password (``authenticate``): after ``MAX_FAILURES`` failed attempts within
``WINDOW`` the account is locked for ``LOCK_FOR``; after ``MAX_ADDRESS_FAILURES`` from one
address (``auth.addresses.client_address``) that address is refused too. Every failure counts in
``rate_events`` under ``login:user:<name>`` (also for names that do not exist, so a lock says
nothing about whether an account exists) and under ``login:addr:<address>``. The attempt is
recorded before the password is checked, in a transaction serialised with every other attempt on
the same name or address (``storage.locking``), so 12 attempts at once see each other. Unknown
users cost one argon2 verification like known ones. Every change writes an audit entry.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from auth.guard import Principal
from auth.passwords import fresh_hash, hash_password, needs_rehash, verify_dummy, verify_password
from auth.roles import Role, parse_role
from core.errors import InputError, PermissionDenied
from storage import audit
from storage.db import now as utcnow
from storage.db import reading, transaction
from storage.locking import serialised
from storage.schema import audit_log, rate_events, users
from storage.schema import user_clients as links
from storage.schema import clients as clients_table

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
MAX_ADDRESS_FAILURES = 20  # unknown user names tried from one address within WINDOW
WRONG = "Wrong user name or password."


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    display_name: str
    email: str | None
    active: bool
    has_password: bool
    oidc_subject: str | None
    failed_logins: int
    locked_until: datetime | None
    client_ids: frozenset[int]

    def principal(self) -> Principal:
        return Principal(self.id, self.username, self.role, self.client_ids)


def create_user(engine: Engine, username: str, role: Role | str, password: str | None = None,
                oidc_subject: str | None = None, display_name: str = "", clients: list[int] = (),
                actor: str = "", email: str | None = None) -> User:
    username = (username or "").strip()
    if not username or len(username) > 120 or any(c.isspace() for c in username):
        raise InputError(f"User name {username!r} is not usable.", hint="1-120 characters, no blanks",
                         key="user.name_unusable", values={"user": username}, hint_key="user.name_unusable_hint")
    role = parse_role(role)
    if role is Role.PARTICIPANT:
        raise InputError("Participants need no account.", hint="they join a workshop round with its join code",
                         key="user.participant_account", hint_key="user.participant_account_hint")
    password_hash = hash_password(password, username) if password is not None else None
    try:
        with transaction(engine) as conn:
            user_id = conn.execute(users.insert().values(
                username=username, display_name=display_name or username, email=email or None,
                password_hash=password_hash, oidc_subject=oidc_subject or None, role=role.value, active=True,
                failed_logins=0, created_at=utcnow()).returning(users.c.id)).scalar_one()
            ids = _assign(conn, user_id, clients)
            audit.record(conn, client_id=None, actor=actor, action="user.create", entity="user",
                         entity_key=username, after={"role": role.value, "clients": ids,
                                                     "password": password_hash is not None,
                                                     "oidc": bool(oidc_subject)})
    except IntegrityError:
        raise InputError(f"A user {username!r} (or that identity-provider subject) exists already.",
                         hint="choose another user name", key="user.exists", values={"user": username},
                         hint_key="user.exists_hint") from None
    return get_user(engine, user_id)


def get_user(engine: Engine, key: str | int) -> User | None:
    """By id (int) or user name (str)."""
    col = users.c.id if isinstance(key, int) else users.c.username
    with reading(engine) as conn:
        row = conn.execute(select(users).where(col == key)).mappings().first()
        return _user(conn, row) if row else None


def list_users(engine: Engine) -> list[User]:
    with reading(engine) as conn:
        return [_user(conn, row) for row in conn.execute(select(users).order_by(users.c.username)).mappings()]


def user_clients(engine: Engine, user_id: int) -> set[int]:
    with reading(engine) as conn:
        return _client_ids(conn, user_id)


def set_password(engine: Engine, username: str, password: str, actor: str = "") -> None:
    """Set a new password (policy checked); also lifts a lock."""
    user = _existing(engine, username)
    new_hash = hash_password(password, user.username)
    with transaction(engine) as conn:
        conn.execute(update(users).where(users.c.id == user.id)
                     .values(password_hash=new_hash, failed_logins=0, locked_until=None))
        conn.execute(delete(rate_events).where(rate_events.c.key == f"login:user:{user.username.casefold()}"[:200]))
        audit.record(conn, client_id=None, actor=actor, action="user.password", entity="user",
                     entity_key=user.username)


def assign_clients(engine: Engine, username: str, client_ids: list[int], actor: str = "") -> User:
    """Replace the user's clients with ``client_ids``."""
    user = _existing(engine, username)
    with transaction(engine) as conn:
        conn.execute(delete(links).where(links.c.user_id == user.id))
        ids = _assign(conn, user.id, client_ids)
        audit.record(conn, client_id=None, actor=actor, action="user.clients", entity="user",
                     entity_key=user.username, before={"clients": sorted(user.client_ids)}, after={"clients": ids})
    return get_user(engine, user.id)


def deactivate(engine: Engine, username: str, actor: str = "") -> None:
    """The user can no longer sign in; their entries in the audit log stay."""
    user = _existing(engine, username)
    with transaction(engine) as conn:
        if user.role is Role.ADMIN:
            admins = conn.execute(select(func.count()).select_from(users).where(
                users.c.role == Role.ADMIN.value, users.c.active.is_(True))).scalar_one()
            if admins <= 1:
                raise InputError("The last active admin cannot be deactivated.", hint="add another admin first",
                                 key="user.last_admin", hint_key="user.last_admin_hint")
        conn.execute(update(users).where(users.c.id == user.id).values(active=False))
        audit.record(conn, client_id=None, actor=actor, action="user.deactivate", entity="user",
                     entity_key=user.username, before={"active": user.active}, after={"active": False})


def user_audit(engine: Engine, limit: int = 500) -> list[dict]:
    """Changes to accounts (not tied to a client), newest first."""
    with reading(engine) as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.entity == "user")
                            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)).mappings()
        return [dict(r) for r in rows]


def authenticate(engine: Engine, username: str, password: str, now: datetime | None = None,
                 address: str = "") -> User:
    """The user for a correct user name and password; otherwise PermissionDenied (the same
    message for an unknown name and a wrong password, another one while locked).

    The attempt is counted as a failure before the password is checked (in one serialised
    transaction with the lock check), and the count is taken back if the password was right: so
    concurrent attempts see each other, also while they wait for an argon2 slot."""
    now = _utc(now or utcnow())
    username = (username or "").strip()
    keys = [f"login:user:{username.casefold()}"[:200]] + ([f"login:addr:{address}"[:200]] if address else [])
    row, reserved = _reserve(engine, username, keys, now)
    if row is not None and row["active"] and row["password_hash"] is not None:
        right = verify_password(row["password_hash"], password)
    else:  # unknown, deactivated or without a password: the same cost, the same answer
        verify_dummy(password or "")
        right = False
    if not right:
        _failed(engine, row, keys, now)
        raise PermissionDenied(WRONG, key="auth.wrong_credentials")
    new_hash = fresh_hash(password) if needs_rehash(row["password_hash"]) else None
    with serialised(engine, *keys) as conn:
        conn.execute(delete(rate_events).where(rate_events.c.key == keys[0], rate_events.c.id <= reserved[0]))
        conn.execute(delete(rate_events).where(rate_events.c.id.in_(reserved)))
        pending = _count(conn, keys[0], now - WINDOW)  # attempts that began after this one
        values: dict = {"failed_logins": pending}
        if pending < MAX_FAILURES:
            values["locked_until"] = None
        if new_hash:
            values["password_hash"] = new_hash
        conn.execute(update(users).where(users.c.id == row["id"]).values(**values))
    return get_user(engine, row["id"])


def _reserve(engine: Engine, username: str, keys: list[str], now: datetime) -> tuple[dict | None, list[int]]:
    """Refuse a locked account or address; otherwise record the attempt as a failure under every
    key and return the user row (None for an unknown name) and the ids of the recorded events."""
    with serialised(engine, *keys) as conn:
        row = conn.execute(select(users).where(users.c.username == username).with_for_update()).mappings().first()
        conn.execute(delete(rate_events).where(rate_events.c.key.in_(keys), rate_events.c.at <= now - WINDOW))
        counts = [_count(conn, key, now - WINDOW) for key in keys]
        until = _utc(row["locked_until"]) if row is not None and row["locked_until"] else None
        if counts[0] >= MAX_FAILURES or (until is not None and until > now) or \
                (len(counts) > 1 and counts[1] >= MAX_ADDRESS_FAILURES):
            raise PermissionDenied("Too many failed sign-ins: this account is locked for a while.",
                                   hint=f"try again in {int(LOCK_FOR.total_seconds() // 60)} minutes "
                                        "or ask an admin to set a new password", key="signin.locked",
                                   values={"minutes": int(LOCK_FOR.total_seconds() // 60)},
                                   hint_key="signin.locked_hint")
        ids = [conn.execute(insert(rate_events).values(key=key, at=now).returning(rate_events.c.id)).scalar_one()
               for key in keys]
        return (dict(row) if row is not None else None), ids


def _failed(engine: Engine, row: dict | None, keys: list[str], now: datetime) -> None:
    """The recorded attempt stays a failure; the account locks when it reached ``MAX_FAILURES``."""
    with serialised(engine, *keys) as conn:
        failures = _count(conn, keys[0], now - WINDOW)
        if row is None:
            return
        until = conn.execute(select(users.c.locked_until).where(users.c.id == row["id"]).with_for_update()).scalar()
        lock = failures >= MAX_FAILURES and not (until is not None and _utc(until) > now)
        values = {"failed_logins": users.c.failed_logins + 1, **({"locked_until": now + LOCK_FOR} if lock else {})}
        conn.execute(update(users).where(users.c.id == row["id"]).values(**values))
        if lock:
            audit.record(conn, client_id=None, actor="", action="user.locked", entity="user",
                         entity_key=row["username"], after={"until": (now + LOCK_FOR).isoformat()})


def rate_limited(engine: Engine, key: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Record one attempt under ``key``; True when more than ``limit`` attempts fell within
    ``window`` (this one included). Use it for join codes: ``rate_limited(e, f"join:{addr}", 10, ...)``."""
    now = _utc(now or utcnow())
    with transaction(engine) as conn:
        conn.execute(delete(rate_events).where(rate_events.c.key == key, rate_events.c.at <= now - window))
        conn.execute(insert(rate_events).values(key=key, at=now))
        return _count(conn, key, now - window) > limit


def _existing(engine: Engine, username: str) -> User:
    user = get_user(engine, username)
    if user is None:
        raise InputError(f"No user {username!r}.", hint="python cli.py user list shows the users",
                         key="user.unknown", values={"user": username}, hint_key="user.unknown_hint")
    return user


def _assign(conn: Connection, user_id: int, client_ids) -> list[int]:
    ids = sorted({int(c) for c in client_ids})
    if ids:
        found = set(conn.execute(select(clients_table.c.id).where(clients_table.c.id.in_(ids))).scalars())
        missing = [c for c in ids if c not in found]
        if missing:
            raise InputError(f"Unknown client id(s) {missing}.", hint="python cli.py client list shows the clients",
                             key="client.ids_unknown", values={"ids": ", ".join(map(str, missing))},
                             hint_key="client.list_hint")
        conn.execute(insert(links), [{"user_id": user_id, "client_id": c} for c in ids])
    return ids


def _client_ids(conn: Connection, user_id: int) -> set[int]:
    return set(conn.execute(select(links.c.client_id).where(links.c.user_id == user_id)).scalars())


def _user(conn: Connection, row) -> User:
    return User(row["id"], row["username"], Role(row["role"]), row["display_name"], row["email"], bool(row["active"]),
                row["password_hash"] is not None, row["oidc_subject"], row["failed_logins"],
                _utc(row["locked_until"]) if row["locked_until"] else None, frozenset(_client_ids(conn, row["id"])))


def _count(conn: Connection, key: str, since: datetime) -> int:
    return conn.execute(select(func.count()).select_from(rate_events)
                        .where(rate_events.c.key == key, rate_events.c.at > since)).scalar_one()


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
