"""Accounts in storage: create, assign, sign in with throttling, identity-provider sign-in.
Runs on SQLite and (with TEST_DATABASE_URL) PostgreSQL; time is passed in, never slept."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from auth.roles import OidcPolicy, Role
from core.errors import InputError, PermissionDenied
from storage.clients import create_client
from storage.oidc_users import oidc_user
from storage.schema import rate_events
from storage.users import (MAX_ADDRESS_FAILURES, assign_clients, authenticate, create_user, deactivate, get_user,
                           list_users, rate_limited, set_password, user_audit, user_clients)

pytestmark = pytest.mark.usefixtures("fast_hasher")

PW = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def _minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


@pytest.fixture
def clients(engine):
    return create_client(engine, "Acme"), create_client(engine, "Bolt")


@pytest.fixture
def anna(engine, clients):
    return create_user(engine, "anna", "consultant", password=PW, clients=[clients[0].id], actor="root")


def test_create_and_read_back(engine, clients, anna):
    assert anna.role is Role.CONSULTANT and anna.has_password and anna.active
    assert anna.client_ids == {clients[0].id}
    assert user_clients(engine, anna.id) == {clients[0].id}
    assert get_user(engine, "anna") == anna == get_user(engine, anna.id)
    assert anna.principal().client_ids == {clients[0].id}
    assert [u.username for u in list_users(engine)] == ["anna"]
    entry = user_audit(engine)[0]
    assert (entry["action"], entry["actor"], entry["entity_key"]) == ("user.create", "root", "anna")
    assert entry["after"] == {"role": "consultant", "clients": [clients[0].id], "password": True, "oidc": False}


@pytest.mark.parametrize("kwargs,message", [
    ({"username": "anna"}, "exists already"),
    ({"username": "bob", "role": "participant"}, "Participants need no account"),
    ({"username": "bob", "role": "owner"}, "Unknown role 'owner'"),
    ({"username": "bob", "clients": [999]}, r"Unknown client id\(s\) \[999\]"),
    ({"username": "bob smith"}, "not usable"),
    ({"username": "bob", "password": "bob"}, "does not meet the policy"),
])
def test_bad_new_users_are_refused_and_nothing_is_stored(engine, anna, kwargs, message):
    args = {"role": "manager", **kwargs}
    with pytest.raises(InputError, match=message):
        create_user(engine, **args)
    assert [u.username for u in list_users(engine)] == ["anna"]


def test_assign_clients_replaces_and_is_audited(engine, clients, anna):
    user = assign_clients(engine, "anna", [clients[1].id], actor="root")
    assert user.client_ids == {clients[1].id}
    entry = user_audit(engine)[0]
    assert entry["before"] == {"clients": [clients[0].id]} and entry["after"] == {"clients": [clients[1].id]}


def test_sign_in_with_the_right_password(engine, anna):
    user = authenticate(engine, "anna", PW, now=T0)
    assert user.id == anna.id and user.failed_logins == 0


def test_wrong_password_and_unknown_user_get_the_same_message(engine, anna):
    with pytest.raises(PermissionDenied) as wrong:
        authenticate(engine, "anna", "wrong password!", now=T0)
    with pytest.raises(PermissionDenied) as unknown:
        authenticate(engine, "nobody", PW, now=T0, address="10.0.0.9")
    assert wrong.value.message == unknown.value.message == "Wrong user name or password."
    assert get_user(engine, "anna").failed_logins == 1


def _fail(engine, username, minute, address=""):
    with pytest.raises(PermissionDenied):
        authenticate(engine, username, "wrong password!", now=_minutes(minute), address=address)


def test_five_failures_lock_then_the_lock_expires(engine, anna):
    for minute in range(5):
        _fail(engine, "anna", minute)
    user = get_user(engine, "anna")
    assert user.failed_logins == 5 and user.locked_until == _minutes(4 + 15)
    # locked: even the right password is refused, with the lock message
    with pytest.raises(PermissionDenied, match="locked"):
        authenticate(engine, "anna", PW, now=_minutes(18))
    assert user_audit(engine)[0]["action"] == "user.locked"
    # 15 minutes after the fifth failure the right password works again and resets the counter
    assert authenticate(engine, "anna", PW, now=_minutes(19)).failed_logins == 0
    assert get_user(engine, "anna").locked_until is None


def test_failures_spread_over_more_than_the_window_do_not_lock(engine, anna):
    for minute in (0, 10, 20, 30, 40):  # never 5 within 15 minutes
        _fail(engine, "anna", minute)
    assert get_user(engine, "anna").locked_until is None
    assert authenticate(engine, "anna", PW, now=_minutes(41)).id == anna.id


def test_unknown_user_name_locks_like_a_real_one(engine, anna):
    for minute in range(5):
        _fail(engine, "ghost", minute)
    with pytest.raises(PermissionDenied, match="locked"):
        authenticate(engine, "ghost", PW, now=_minutes(6))
    # the real account is not affected
    assert authenticate(engine, "anna", PW, now=_minutes(6)).id == anna.id


def test_many_unknown_names_from_one_address_block_that_address(engine, anna):
    for i in range(MAX_ADDRESS_FAILURES):
        _fail(engine, f"guess{i}", 0, address="10.0.0.9")
    with pytest.raises(PermissionDenied, match="locked"):
        authenticate(engine, "anna", PW, now=_minutes(1), address="10.0.0.9")
    assert authenticate(engine, "anna", PW, now=_minutes(1), address="10.0.0.10").id == anna.id


def test_wrong_passwords_of_real_accounts_count_for_the_address_too(engine):
    names = [f"user{i}" for i in range(MAX_ADDRESS_FAILURES // 4)]
    for name in names:
        create_user(engine, name, "manager", password=PW)
    for name in names:  # four wrong passwords each: no account locks, the address collects 20
        for minute in range(4):
            _fail(engine, name, minute, address="127.0.0.1")
    assert all(get_user(engine, name).locked_until is None for name in names)
    with pytest.raises(PermissionDenied, match="locked"):  # loopback is an address like any other
        authenticate(engine, "user0", PW, now=_minutes(5), address="127.0.0.1")
    assert authenticate(engine, "user0", PW, now=_minutes(5), address="10.0.0.10").username == "user0"


def test_deactivated_or_passwordless_users_cannot_sign_in(engine, anna):
    create_user(engine, "olga", "manager", oidc_subject="sub-olga")
    deactivate(engine, "anna", actor="root")
    for name, password in (("anna", PW), ("olga", "")):
        with pytest.raises(PermissionDenied, match="Wrong user name or password"):
            authenticate(engine, name, password, now=T0)


def test_set_password_lifts_a_lock(engine, anna):
    for minute in range(5):
        _fail(engine, "anna", minute)
    set_password(engine, "anna", "a brand new passphrase", actor="root")
    assert authenticate(engine, "anna", "a brand new passphrase", now=_minutes(6)).id == anna.id
    with pytest.raises(InputError) as err:
        set_password(engine, "anna", "anna", actor="root")
    assert "must not be the user name" in err.value.describe()
    assert authenticate(engine, "anna", "a brand new passphrase", now=_minutes(7)).id == anna.id  # unchanged


def test_weak_hash_is_upgraded_on_sign_in(engine, anna, monkeypatch):
    from argon2 import PasswordHasher

    import auth.passwords as passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    authenticate(engine, "anna", PW, now=T0)
    from storage.schema import users

    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.id == anna.id)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=2048,t=2,p=1$")


def test_last_admin_stays(engine):
    create_user(engine, "root", "admin", password=PW)
    with pytest.raises(InputError, match="last active admin"):
        deactivate(engine, "root")
    create_user(engine, "root2", "admin", password=PW)
    deactivate(engine, "root")
    assert get_user(engine, "root").active is False


def test_rate_limited_counts_within_the_window(engine):
    window = timedelta(minutes=5)
    results = [rate_limited(engine, "join:1.2.3.4", 3, window, now=_minutes(m)) for m in (0, 1, 2, 3, 4)]
    assert results == [False, False, False, True, True]
    assert rate_limited(engine, "join:5.6.7.8", 3, window, now=_minutes(4)) is False  # another key
    assert rate_limited(engine, "join:1.2.3.4", 3, window, now=_minutes(20)) is False  # window passed
    with engine.connect() as conn:  # old events of the key were cleaned up
        n = conn.execute(select(func.count()).select_from(rate_events)
                         .where(rate_events.c.key == "join:1.2.3.4")).scalar_one()
    assert n == 1


def test_oidc_known_subject(engine, clients):
    made = create_user(engine, "eva@example.com", "manager", oidc_subject="sub-eva", clients=[clients[1].id])
    assert oidc_user(engine, "sub-eva", "eva@example.com", "Eva", []).id == made.id


def test_oidc_stranger_is_refused_by_default(engine):
    with pytest.raises(PermissionDenied, match="No account for 'x@example.com'") as err:
        oidc_user(engine, "sub-x", "x@example.com", "X", ["cockpit-admins"])
    assert err.value.hint == "ask an admin to add you"
    assert list_users(engine) == []


def test_oidc_auto_provision_from_groups(engine):
    policy = OidcPolicy(auto_provision=True, group_roles=(("team", Role.CONSULTANT),))
    user = oidc_user(engine, "sub-t", "t@example.com", "Tom", ["team"], policy=policy)
    assert (user.username, user.role, user.client_ids, user.oidc_subject) == (
        "t@example.com", Role.CONSULTANT, frozenset(), "sub-t")
    with pytest.raises(PermissionDenied):  # no matching group, no default role
        oidc_user(engine, "sub-u", "u@example.com", "Uwe", ["other"], policy=policy)
    with pytest.raises(PermissionDenied, match="Could not create"):  # e-mail taken by another account
        oidc_user(engine, "sub-t2", "t@example.com", "Tim", ["team"], policy=policy)
    assert [u.username for u in list_users(engine)] == ["t@example.com"]


def test_oidc_link_by_email_only_when_configured(engine):
    create_user(engine, "lea", "manager", email="Lea@Example.com")
    with pytest.raises(PermissionDenied):
        oidc_user(engine, "sub-lea", "lea@example.com", "Lea", [])
    user = oidc_user(engine, "sub-lea", "lea@example.com", "Lea", [], policy=OidcPolicy(link_by_email=True))
    assert user.username == "lea" and user.oidc_subject == "sub-lea"
    assert oidc_user(engine, "sub-lea", None, "", []).id == user.id  # found by subject from now on


def test_oidc_deactivated_account_is_refused(engine):
    create_user(engine, "max", "manager", oidc_subject="sub-max")
    create_user(engine, "root", "admin", password=PW)
    deactivate(engine, "max")
    with pytest.raises(PermissionDenied, match="deactivated"):
        oidc_user(engine, "sub-max", None, "", [])
