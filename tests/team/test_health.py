"""The database goes away mid-session and comes back: the cached engine recovers without a
restart, the probe says so, and the UI shows the storage error instead of crashing.

Runs against PostgreSQL through a TCP proxy that can be switched off (TEST_DATABASE_URL); the
SQLite probe runs always.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.errors import StorageError
from services.health import probe, wait_until_healthy
from tests.conftest import PG_URL, _pg_url
from tests.team.tcp_proxy import TcpProxy

APP = str(Path(__file__).resolve().parents[2] / "app.py")
needs_pg = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: no PostgreSQL to take away")


def test_probe_on_sqlite(engine):
    health = probe(engine)
    assert health.ok and health.latency_ms is not None and health.latency_ms >= 0


def test_probe_reports_an_unreachable_database():
    from storage.db import make_engine

    health = probe(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    assert not health.ok and "not reachable" in health.detail


@pytest.fixture
def proxied_url():
    """A fresh PostgreSQL schema reached through a proxy on its own port; yields (url, proxy)."""
    base = make_url(_pg_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    proxy = TcpProxy((base.host or "127.0.0.1", base.port or 5432)).up()
    url = base.set(host="127.0.0.1", port=proxy.port).update_query_dict(
        {"options": f"-csearch_path={schema}", "connect_timeout": "3"})
    rendered = url.render_as_string(hide_password=False)
    yield rendered, proxy
    proxy.down()
    from storage.db import forget

    forget(rendered)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@needs_pg
def test_cached_engine_recovers_after_an_outage(proxied_url):
    from storage.clients import create_client, list_clients
    from storage.db import connect

    url, proxy = proxied_url
    engine = connect(url)
    create_client(engine, "Alpha Handel GmbH")
    assert probe(engine).ok
    proxy.down()
    assert not probe(engine).ok
    with pytest.raises(StorageError):
        create_client(engine, "Beta Bau AG")  # nothing pretended: the write fails loudly
    proxy.up()
    assert wait_until_healthy(engine, timeout=10).ok
    assert [c.name for c in list_clients(connect(url))] == ["Alpha Handel GmbH"]  # the same cached engine
    assert connect(url) is engine


@needs_pg
def test_ui_says_database_lost_and_continues_when_back(proxied_url, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from storage.clients import create_client
    from storage.db import connect

    url, proxy = proxied_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COCKPIT_DEMO", "0")
    monkeypatch.delenv("COCKPIT_TEAM_MODE", raising=False)
    create_client(connect(url), "Alpha Handel GmbH")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["_ctx"].client.name == "Alpha Handel GmbH"

    proxy.down()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The database is not reachable. Nothing was saved; please retry."]
    assert any("checks every 5 seconds" in i.value for i in at.info)

    proxy.up()
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["_ctx"].client.name == "Alpha Handel GmbH"
