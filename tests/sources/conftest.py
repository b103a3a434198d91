"""A client database for the live-source tests: the demo data under German names in a schema of
the ``test`` database (created and dropped here), read through a login role of its own that may
only SELECT and whose every statement the server logs (``log_statement = 'all'`` for that role)."""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.sources import crm_export

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
SERVER_LOG = Path("/var/log/postgresql/postgresql-15-main.log")


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@dataclass(frozen=True)
class ClientDatabase:
    schema: str
    role: str
    url: str          # the read-only role's URL (what a client would hand out)
    admin_url: str    # the superuser's (the test's own checks)
    frames: dict

    def fingerprint(self) -> dict[str, tuple]:
        """Row count and a hash of every row per table: equal before and after = nothing written."""
        out = {}
        with psycopg.connect(self.admin_url) as con:
            for table, _ in crm_export.TABLES.values():
                out[table] = con.execute(
                    f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                    f'FROM "{self.schema}"."{table}" t').fetchone()
            out["belegnummer"] = con.execute(f'SELECT last_value, is_called FROM "{self.schema}".belegnummer').fetchone()
        return out


@pytest.fixture(scope="session")
def client_frames() -> dict:
    """The demo data (300 customers) under the client's names and values."""
    return crm_export.client_frames(300)


@pytest.fixture(scope="session")
def client_db(client_frames):
    if not PG_URL:
        pytest.skip("needs TEST_DATABASE_URL")
    admin = _plain(PG_URL)
    suffix = uuid.uuid4().hex[:10]
    schema, role = f"crm_{suffix}", f"crm_reader_{suffix}"
    frames = client_frames
    with psycopg.connect(admin, autocommit=True) as con:
        crm_export.load_postgres(con, schema, frames)
        con.execute(f'CREATE SEQUENCE "{schema}".belegnummer')  # what a write through a function would move
        con.execute(f'CREATE ROLE "{role}" LOGIN')
        con.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        con.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
        con.execute(f"ALTER ROLE \"{role}\" SET log_statement = 'all'")
    host = admin.split("@", 1)[1]
    try:
        yield ClientDatabase(schema, role, f"postgresql://{role}@{host}", admin, frames)
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP SCHEMA "{schema}" CASCADE')
            con.execute(f'DROP OWNED BY "{role}"')
            con.execute(f'DROP ROLE "{role}"')


def server_statements(role: str) -> list[str] | None:
    """The statements the server logged for ``role`` (None when its log cannot be read here)."""
    try:
        lines = SERVER_LOG.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    marker = f" {role}@"
    return [line.split("statement: ", 1)[1] for line in lines if marker in line and "LOG:  statement: " in line]
