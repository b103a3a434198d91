"""Password hashing (argon2id, library defaults) and the password policy."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from auth.passwords import check_policy, fresh_hash, hash_password, needs_rehash, verify_password
from core.errors import InputError

GOOD = "correct horse battery"


def test_hash_is_argon2id_with_the_default_parameters():
    stored = hash_password(GOOD, "anna")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert GOOD not in stored
    assert hash_password(GOOD, "anna") != stored  # a fresh salt every time


def test_verify_right_and_wrong_password():
    stored = hash_password(GOOD)
    assert verify_password(stored, GOOD) is True
    assert verify_password(stored, GOOD + " ") is False
    assert verify_password(stored, "Correct horse battery") is False


@pytest.mark.parametrize("stored", [None, "", "not a hash", "$argon2id$v=19$m=65536,t=3,p=4$broken"])
def test_verify_against_an_unusable_hash_is_false(stored):
    assert verify_password(stored, GOOD) is False


def test_weaker_hash_needs_rehash_and_fresh_one_does_not():
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(GOOD)
    assert needs_rehash(weak) is True
    assert verify_password(weak, GOOD) is True  # still accepted, then replaced
    assert needs_rehash(fresh_hash(GOOD)) is False


POLICY = [
    ("kurz", "anna", ["needs at least 12 characters, found 4"]),
    ("elf zeichen", "anna", ["needs at least 12 characters, found 11"]),
    ("AnnaSchmidt1", "annaschmidt1", ["must not be the user name"]),
    ("            ", "anna", ["consists of blanks only"]),
    ("x" * 1025, "anna", ["may have at most 1024 characters, found 1025"]),
    ("anna", "anna", ["needs at least 12 characters, found 4", "must not be the user name"]),
]


@pytest.mark.parametrize("password,username,messages", POLICY)
def test_policy_messages(password, username, messages):
    with pytest.raises(InputError, match="does not meet the policy") as err:
        check_policy(password, username)
    assert [p.message for p in err.value.problems] == messages
    assert "at least 12 characters" in err.value.hint


@pytest.mark.parametrize("password", ["zwölf Zeichen", "x" * 12, "correct horse battery staple"])
def test_policy_accepts(password):
    check_policy(password, "anna")  # no error


def test_hash_password_checks_the_policy_first():
    with pytest.raises(InputError):
        hash_password("anna", "anna")
