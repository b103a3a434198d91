"""A database failure never shows its address, password or our file paths to a user (issue 16.9).

``StorageError`` texts reach pages (``ui.widgets.show_error``) and the command line; the driver's
own message ("connection to server at "127.0.0.1", port 5432 failed ...") goes to the log only,
with any password masked. The PostgreSQL leg cuts a live connection with the TCP proxy of the
team tests (TEST_DATABASE_URL); the unreachable-server leg runs always.
"""
from __future__ import annotations

import logging
import re
import tomllib
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.errors import StorageError
from tests.conftest import PG_URL, _pg_url
from tests.team.tcp_proxy import TcpProxy

PASSWORD = "Geheim-7f3a"
needs_pg = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: no PostgreSQL to take away")


def leaks(error: StorageError, port: int) -> list[str]:
    """What of the address, password or source paths the user-facing text of ``error`` holds."""
    shown = f"{error.describe()} {error.hint}"
    found = [word for word in ("127.0.0.1", "localhost", PASSWORD, "postgres@", "/work", ".py", "psycopg")
             if word in shown]
    found += re.findall(rf"\b{port}\b", shown)
    return found


def test_unreachable_server_error_names_no_address_or_password(caplog):
    from storage.db import make_engine, migrate

    engine = make_engine(f"postgresql+psycopg://crm:{PASSWORD}@127.0.0.1:1/none?connect_timeout=2")
    with caplog.at_level(logging.WARNING, logger="storage.db"), pytest.raises(StorageError) as caught:
        migrate(engine)
    assert "not reachable" in caught.value.message
    assert leaks(caught.value, 1) == []
    assert PASSWORD not in caplog.text and "database error" in caplog.text  # the cause is logged, masked


def test_hide_secrets_masks_url_and_keyword_passwords():
    from storage.db import hide_secrets

    assert hide_secrets(f"postgresql://crm:{PASSWORD}@db:5432/x") == "postgresql://crm:***@db:5432/x"
    assert hide_secrets(f"host=db password={PASSWORD} user=crm") == "host=db password=*** user=crm"
    assert hide_secrets("p@ss in postgresql://u:a@b@db/x") == "p@ss in postgresql://u:***@db/x"


@pytest.fixture
def proxied():
    """A fresh schema reached through a switchable proxy, with a password in the URL (trust auth
    ignores it): yields (url, proxy)."""
    base = make_url(_pg_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    proxy = TcpProxy((base.host or "127.0.0.1", base.port or 5432)).up()
    url = base.set(host="127.0.0.1", port=proxy.port, password=PASSWORD).update_query_dict(
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
def test_lost_postgres_connection_error_names_no_host_port_password_or_path(proxied, caplog):
    from storage.clients import create_client, list_clients
    from storage.db import connect

    url, proxy = proxied
    engine = connect(url)
    create_client(engine, "Alpha Handel GmbH")
    proxy.down()  # the server vanishes under a live pool
    with caplog.at_level(logging.WARNING, logger="storage.db"):
        with pytest.raises(StorageError) as write:
            create_client(engine, "Beta Bau AG")
        with pytest.raises(StorageError) as read:
            list_clients(engine)
    for caught in (write, read):
        assert "not reachable" in caught.value.message
        assert leaks(caught.value, proxy.port) == []
    assert PASSWORD not in caplog.text


def test_shipped_streamlit_config_shows_no_error_details():
    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
