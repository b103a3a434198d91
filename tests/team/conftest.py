"""Team-mode fixtures: an installation with clients A and B and three accounts.

| user | role | clients | password |
| --- | --- | --- | --- |
| admin | admin | (all) | admin passphrase 1 |
| anna | consultant | A | anna passphrase 1 |
| max | manager | A | max passphrase 12 |
"""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

PASSWORDS = {"admin": "admin passphrase 1", "anna": "anna passphrase 1", "max": "max passphrase 12"}


def seed_team(database_url: str) -> dict:
    """Create clients A and B and the three accounts; returns {'a': Client, 'b': Client}."""
    from storage.clients import create_client
    from storage.db import connect
    from storage.users import create_user

    engine = connect(database_url)
    a = create_client(engine, "Alpha Handel GmbH", slug="alpha")
    b = create_client(engine, "Beta Bau AG", slug="beta")
    create_user(engine, "admin", "admin", password=PASSWORDS["admin"])
    create_user(engine, "anna", "consultant", password=PASSWORDS["anna"], clients=[a.id])
    create_user(engine, "max", "manager", password=PASSWORDS["max"], clients=[a.id])
    return {"a": a, "b": b}


@pytest.fixture
def fast_hasher(monkeypatch):
    import auth.passwords as passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(passwords, "_dummy_hash", None)


@pytest.fixture
def team_env(tmp_path, monkeypatch, fast_hasher):
    """Team mode on, an empty SQLite installation in tmp_path seeded with seed_team."""
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COCKPIT_DEMO", "0")
    monkeypatch.setenv("COCKPIT_TEAM_MODE", "1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from core.settings import load_settings

    clients = seed_team(load_settings().database_url)
    return clients
