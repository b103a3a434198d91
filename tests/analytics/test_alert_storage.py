"""Acknowledged alerts are stored (who, when, note) and audited, on SQLite and PostgreSQL."""
from __future__ import annotations

from storage import audit
from storage.alerts import acknowledge, acknowledgements
from storage.clients import create_client

KEY = "campaign_response_rate|2025-12|trend_break|channel=email"


def test_an_acknowledgement_is_kept_per_client_and_audited(engine):
    a, b = create_client(engine, "Alpha GmbH"), create_client(engine, "Beta AG")
    acknowledge(engine, a.id, "crm_default", KEY, "  Mailing-Server war ausgefallen ", 3, actor="anna")
    kept = acknowledgements(engine, a.id, "crm_default")
    assert list(kept) == [KEY]
    assert (kept[KEY].note, kept[KEY].by, kept[KEY].dataset_version) == ("Mailing-Server war ausgefallen", "anna", 3)
    assert kept[KEY].at is not None
    assert acknowledgements(engine, b.id, "crm_default") == {}
    assert acknowledgements(engine, a.id, "other_card") == {}
    entry = next(e for e in audit.entries(engine, a.id) if e["action"] == "alert.acknowledge")
    assert (entry["actor"], entry["entity"], entry["before"]) == ("anna", "alert", None)
    assert entry["after"]["note"] == "Mailing-Server war ausgefallen"


def test_acknowledging_again_replaces_the_note_and_audits_what_it_was(engine):
    a = create_client(engine, "Alpha GmbH")
    acknowledge(engine, a.id, "crm_default", KEY, "erste Notiz", 3, actor="anna")
    acknowledge(engine, a.id, "crm_default", KEY, "zweite Notiz", 4, actor="ben")
    kept = acknowledgements(engine, a.id, "crm_default")[KEY]
    assert (kept.note, kept.by, kept.dataset_version) == ("zweite Notiz", "ben", 4)
    newest = next(e for e in audit.entries(engine, a.id) if e["action"] == "alert.acknowledge")
    assert newest["before"] == {"note": "erste Notiz", "by": "anna"}


def test_postgresql_scopes_the_table_to_the_client(engine):
    """Migration 0004 gives the table the row-level-security policy every client table has (0002)."""
    import pytest
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    with engine.connect() as conn:
        on = conn.execute(text("SELECT c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                               " WHERE c.relname = 'alert_acknowledgements' AND n.nspname = current_schema()")).scalar()
        policies = conn.execute(text("SELECT policyname FROM pg_policies WHERE tablename = 'alert_acknowledgements'"
                                     " AND schemaname = current_schema()")).scalars().all()
    assert on is True and policies == ["client_scope"]
