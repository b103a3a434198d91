"""Sign-in under concurrency (issue 16 item 3): attempts at the same moment see each other, and no
more than the bound of argon2 verifications run at once. The real argon2id with its default
parameters (64 MiB each) runs; the probe only counts. SQLite and (TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

import auth.passwords as passwords
from core.errors import PermissionDenied
from storage.schema import audit_log, rate_events
from storage.users import MAX_FAILURES, WRONG, authenticate, create_user, get_user

PW = "correct horse battery"
LOCKED = "Too many failed sign-ins: this account is locked for a while."


class ProbeHasher(PasswordHasher):
    """argon2id with the library defaults; records which threads verified and the most at once."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.running = self.peak = 0
        self.threads: set[int] = set()

    def verify(self, hash, password):  # noqa: A002 - the name PasswordHasher.verify uses
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.threads.add(threading.get_ident())
        try:
            return super().verify(hash, password)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.delenv("COCKPIT_ARGON2_CONCURRENCY", raising=False)
    hasher = ProbeHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    monkeypatch.setattr(passwords, "_dummy_hash", None)
    monkeypatch.setattr(passwords, "_slots", None)  # the bound is read from the settings again
    return hasher


def _events(engine, key: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(rate_events).where(rate_events.c.key == key)).scalar_one()


def _attempt(engine, username: str, password: str) -> str:
    try:
        authenticate(engine, username, password)
    except PermissionDenied as exc:
        return exc.message
    return "signed in"


def _storm(engine, probe: ProbeHasher, username: str, wrong: int, right: str | None) -> tuple[list[str], str | None]:
    """``wrong`` attempts released together; then, once each of them verifies or has finished
    (so none of them has recorded its failure yet on a read-count-verify-record sign-in), the
    right password."""
    gate, done, lock = threading.Barrier(wrong), set(), threading.Lock()

    def guess(i: int) -> str:
        gate.wait()
        try:
            return _attempt(engine, username, f"wrong guess number {i:02d}")
        finally:
            with lock:
                done.add(threading.get_ident())

    with ThreadPoolExecutor(wrong) as pool:
        futures = [pool.submit(guess, i) for i in range(wrong)]
        late = None
        if right is not None:
            deadline = time.monotonic() + 60
            while len(probe.threads | done) < wrong and time.monotonic() < deadline:
                time.sleep(0.002)
            late = _attempt(engine, username, right)
        return [f.result() for f in futures], late


def test_eleven_wrong_at_once_lock_the_account_before_the_right_password(engine, probe):
    anna = create_user(engine, "anna", "consultant", password=PW)
    results, late = _storm(engine, probe, "anna", 11, PW)
    assert late == LOCKED  # the 12th browser, with the right password, is refused
    assert sorted(results) == sorted([WRONG] * MAX_FAILURES + [LOCKED] * (11 - MAX_FAILURES))
    user = get_user(engine, anna.id)
    assert user.failed_logins == MAX_FAILURES and user.locked_until is not None
    assert _events(engine, "login:user:anna") == MAX_FAILURES
    with engine.connect() as conn:
        locks = conn.execute(select(func.count()).select_from(audit_log)
                             .where(audit_log.c.action == "user.locked")).scalar_one()
    assert locks == 1
    assert probe.peak <= 2


def test_an_unknown_name_locks_exactly_like_a_known_one(engine, probe):
    results, _ = _storm(engine, probe, "ghost", 12, None)
    assert sorted(results) == sorted([WRONG] * MAX_FAILURES + [LOCKED] * (12 - MAX_FAILURES))
    assert _events(engine, "login:user:ghost") == MAX_FAILURES
    assert probe.peak <= 2


def test_never_more_than_the_bound_of_verifications_at_once(probe):
    stored = probe.hash(PW)
    gate = threading.Barrier(20)

    def check(i: int) -> bool:
        gate.wait()
        return passwords.verify_password(stored, PW if i % 2 else "not the password")

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(check, range(20)))
    assert results == [bool(i % 2) for i in range(20)]
    assert probe.peak == 2  # the default of COCKPIT_ARGON2_CONCURRENCY, and never more


def test_the_bound_is_a_setting(probe, monkeypatch):
    monkeypatch.setenv("COCKPIT_ARGON2_CONCURRENCY", "1")
    stored = probe.hash(PW)
    with ThreadPoolExecutor(6) as pool:
        assert all(pool.map(lambda _: passwords.verify_password(stored, PW), range(6)))
    assert probe.peak == 1
