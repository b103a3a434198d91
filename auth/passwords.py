"""Passwords of built-in accounts: argon2id (argon2-cffi ``PasswordHasher`` defaults) and the policy.

Only the hash is stored (``$argon2id$v=19$m=65536,t=3,p=4$...``). ``needs_rehash`` tells the
sign-in to store a fresh hash when the parameters were raised since the password was set.
``verify_dummy`` spends the same time as a real check, so an unknown user name cannot be told
from a wrong password by the response time.
"""
from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from typing import Iterator

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import InputError, Problem
from core.settings import load_settings

MIN_LENGTH = 12
MAX_LENGTH = 1024  # hashing megabytes of "password" is a cheap denial of service

_hasher = PasswordHasher()
_dummy_hash: str | None = None
_slots: threading.BoundedSemaphore | None = None
_slots_lock = threading.Lock()


def set_concurrency(limit: int) -> None:
    """At most ``limit`` argon2 computations at once from now on (default: the setting)."""
    global _slots
    if not isinstance(limit, int) or limit < 1:
        raise InputError(f"argon2 concurrency {limit!r} is not a whole number >= 1.",
                         [Problem("COCKPIT_ARGON2_CONCURRENCY", f"found {limit!r}")], hint="e.g. 2",
                         key="settings.argon2_concurrency", values={"value": repr(limit)})
    with _slots_lock:
        _slots = threading.BoundedSemaphore(limit)


@contextmanager
def _slot() -> Iterator[None]:
    """Hold one of the process-wide argon2 slots (waits while all are taken)."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(load_settings().argon2_concurrency)
        slots = _slots  # release the very semaphore acquired, even if set_concurrency replaces it
    with slots:
        yield


def check_policy(password: str, username: str = "") -> None:
    """Raise InputError listing every rule the password breaks."""
    problems = []
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        found = len(password) if isinstance(password, str) else 0
        problems.append(Problem("password", f"needs at least {MIN_LENGTH} characters, found {found}",
                                "a passphrase of several words is easy to remember", key="password.too_short",
                                values=(("min", MIN_LENGTH), ("found", found)), hint_key="password.too_short_hint"))
    elif len(password) > MAX_LENGTH:
        problems.append(Problem("password", f"may have at most {MAX_LENGTH} characters, found {len(password)}",
                                key="password.too_long", values=(("max", MAX_LENGTH), ("found", len(password)))))
    if isinstance(password, str) and password.strip() == "":
        problems.append(Problem("password", "consists of blanks only", key="password.blank"))
    if username and isinstance(password, str) and password.strip().casefold() == username.strip().casefold():
        problems.append(Problem("password", "must not be the user name", key="password.is_user_name"))
    if problems:
        raise InputError("The password does not meet the policy.", problems,
                         hint=f"use at least {MIN_LENGTH} characters, not the user name", key="password.policy",
                         values={"min": MIN_LENGTH}, hint_key="password.policy_hint")


def hash_password(password: str, username: str = "") -> str:
    """Check the policy, then return the argon2id hash to store."""
    check_policy(password, username)
    with _slot():
        return _hasher.hash(password)


def fresh_hash(password: str) -> str:
    """A new hash for a password that was just verified (no policy check: it is already in use)."""
    with _slot():
        return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; False for a mismatch or an unusable hash."""
    if not stored_hash or not isinstance(password, str) or len(password) > MAX_LENGTH:
        verify_dummy(password if isinstance(password, str) else "")
        return False
    try:
        with _slot():
            return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


def verify_dummy(password: str) -> None:
    """Spend the time of one verification against a hash no password matches."""
    global _dummy_hash
    with _slot():
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash(secrets.token_urlsafe(24))
        try:
            _hasher.verify(_dummy_hash, password[:MAX_LENGTH])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            pass
