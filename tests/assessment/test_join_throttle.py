"""Joining a workshop by code is throttled per address and per round, and names per round are
capped (issue 16 item 5). Through ``services.workshop.join``, on SQLite and (TEST_DATABASE_URL)
PostgreSQL; real time, so the codes guessed here are the only ones in the window."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core.errors import InputError, PermissionDenied
from core.i18n import t
from services import workshop
from storage import assessments as repo
from storage.participants import MAX_WRONG_PER_ADDRESS, MAX_WRONG_PER_ROUND
from storage.schema import participants

THROTTLED = {lang: t("vote.join_throttled", lang, minutes=15) for lang in ("de", "en")}
COOLDOWN = t("vote.join_cooldown", "en", minutes=15)


@pytest.fixture
def round_(engine, client, default_model):
    return repo.create_round(engine, client.id, "Workshop März", default_model, actor="berater")


def _wrong(code: str) -> str:
    """A code of the right shape that is not this round's (the alphabet has no 0/O)."""
    return "0" + code[1:]


def _try(engine, code: str, name: str, address: str, lang: str = "en") -> str:
    try:
        workshop.join(engine, code, name, address=address, lang=lang)
    except (PermissionDenied, InputError) as exc:
        return exc.message
    return "joined"


def test_25_wrong_codes_from_one_address_are_throttled_and_then_the_right_one_too(engine, round_):
    results = [_try(engine, _wrong(round_.join_code), f"Mallory {i}", "198.51.100.7") for i in range(25)]
    assert results[:MAX_WRONG_PER_ADDRESS] == ["This code is not valid (any more)."] * MAX_WRONG_PER_ADDRESS
    assert results[MAX_WRONG_PER_ADDRESS:] == [THROTTLED["en"]] * (25 - MAX_WRONG_PER_ADDRESS)
    # the right code from that address is refused with the throttle message, in the participant's language
    assert _try(engine, round_.join_code, "Mallory", "198.51.100.7", lang="de") == THROTTLED["de"]
    with pytest.raises(PermissionDenied) as err:
        workshop.join(engine, round_.join_code, "Mallory", address="198.51.100.7", lang="en")
    assert err.value.hint == t("vote.join_throttled_hint", "en")
    # another address joins with the right code
    anna = workshop.join(engine, round_.join_code, "Anna", address="203.0.113.20")
    assert anna.round_id == round_.id
    assert [p.name for p in repo.list_participants(engine, round_.client_id, round_.id)] == ["Anna"]


def test_wrong_codes_from_many_addresses_cool_the_round_down_until_the_code_is_renewed(engine, round_):
    per_address = MAX_WRONG_PER_ADDRESS - 1  # each address stays below its own limit
    addresses = [f"198.51.100.{i}" for i in range(MAX_WRONG_PER_ROUND // per_address + 1)]
    for address in addresses:
        for i in range(per_address):
            _try(engine, _wrong(round_.join_code), f"guess {i}", address)
    assert _try(engine, round_.join_code, "Anna", "203.0.113.20") == COOLDOWN
    renewed = repo.renew_join_code(engine, round_.client_id, round_.id, actor="berater")
    assert _try(engine, renewed.join_code, "Anna", "203.0.113.20") == "joined"


def test_names_per_round_are_capped(engine, round_, monkeypatch):
    monkeypatch.setenv("COCKPIT_MAX_PARTICIPANTS", "3")
    for i in range(3):
        workshop.join(engine, round_.join_code, f"P{i}", address=f"203.0.113.{i}")
    with pytest.raises(InputError) as err:
        workshop.join(engine, round_.join_code, "P3", address="203.0.113.3", lang="de")
    assert err.value.message == t("vote.round_full", "de", max=3)
    with pytest.raises(InputError, match="schon vergeben"):  # a taken name is still told as such
        workshop.join(engine, round_.join_code, "P0", address="203.0.113.4")
    assert len(repo.list_participants(engine, round_.client_id, round_.id)) == 3


def test_the_cap_holds_when_many_join_at_once(engine, round_, monkeypatch):
    monkeypatch.setenv("COCKPIT_MAX_PARTICIPANTS", "5")
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda i: _try(engine, round_.join_code, f"P{i:02d}", f"203.0.113.{i}"), range(12)))
    assert results.count("joined") == 5
    assert results.count(t("vote.round_full", "en", max=5)) == 7
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(participants)
                         .where(participants.c.round_id == round_.id)).scalar_one()
    assert n == 5
