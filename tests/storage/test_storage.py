"""Storage basics on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from core.errors import InputError, StorageError
from storage import audit
from storage.clients import create_client, get_client, list_clients, slugify
from storage.db import connect, forget, make_engine, migrate, transaction
from storage.schema import clients, metadata


def test_migrations_create_every_table(engine):
    names = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= names
    assert "alembic_version" in names


def test_migrate_is_idempotent(engine):
    migrate(engine)  # second run: nothing to do, no error
    assert len(list_clients(engine)) == 0


def test_client_roundtrip_and_audit(engine):
    c = create_client(engine, "Müller & Söhne GmbH", actor="anna")
    assert c.slug == "mueller-soehne-gmbh"
    assert get_client(engine, c.slug) == c
    assert get_client(engine, c.id) == c
    entries = audit.entries(engine, c.id)
    assert [(e["action"], e["actor"], e["after"]) for e in entries] == [
        ("client.create", "anna", {"name": "Müller & Söhne GmbH"})]


def test_duplicate_client_is_a_clear_error_and_writes_nothing(engine):
    create_client(engine, "Acme")
    with pytest.raises(InputError, match="exists already"):
        create_client(engine, "ACME")
    assert [c.name for c in list_clients(engine)] == ["Acme"]


def test_failed_transaction_leaves_nothing(engine):
    with pytest.raises(RuntimeError):
        with transaction(engine) as conn:
            conn.execute(clients.insert().values(slug="x", name="X", archived=False,
                                                 created_at=__import__("storage.db").db.now()))
            raise RuntimeError("crash in the middle")
    with engine.connect() as conn:
        assert conn.execute(select(clients)).all() == []


def test_list_clients_scoped_to_ids(engine):
    a = create_client(engine, "A")
    create_client(engine, "B")
    assert [c.name for c in list_clients(engine, ids={a.id})] == ["A"]


@pytest.mark.parametrize("name,slug", [("Müller GmbH", "mueller-gmbh"), ("  Straße 1 ", "strasse-1"), ("!!!", "client")])
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_file_persists_across_engines(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    create_client(connect(url), "Persistent AG")
    forget(url)
    assert [c.name for c in list_clients(connect(url))] == ["Persistent AG"]
    forget(url)


def test_unreachable_database_is_a_storage_error():
    eng = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StorageError, match="not reachable"):
        migrate(eng)


def test_sqlite_uses_wal(tmp_path):
    eng = connect(f"sqlite:///{tmp_path / 'w.db'}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    forget(f"sqlite:///{tmp_path / 'w.db'}")
