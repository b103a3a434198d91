"""Fixtures for team-mode tests."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher


@pytest.fixture
def fast_hasher(monkeypatch):
    """argon2id with small parameters, so sign-in tests do not spend 0.1 s per attempt.
    The hashing tests themselves use the real defaults."""
    import auth.passwords as passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(passwords, "_dummy_hash", None)
