"""PostgreSQL row-level security (migration 0002) as the second line behind the client filters.

The app's role is neither owner nor superuser; inside ``client_scope(A)`` it sees and writes only
client A's rows, whatever the query asks for. Needs TEST_DATABASE_URL (a server where a role may be
created and log in without a password, as in CI).
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from storage.assessments import create_round, list_rounds, votes_frame
from storage.clients import create_client
from storage.db import connect, forget, make_engine
from storage.schema import assessment_rounds, audit_log
from tests.conftest import PG_URL, _pg_url
from storage.scope import ALL, client_scope, install, scope_for

pytestmark = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: row-level security is PostgreSQL's")


@pytest.fixture
def installation():
    """A migrated schema with clients A and B and a round each (made by the owner), and an engine
    that logs in as a plain application role."""
    from services.workshop import model_by_id, models

    base = make_url(_pg_url())
    schema, role = f"t_{uuid.uuid4().hex[:12]}", f"cockpit_app_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    owner_url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    owner = connect(owner_url)
    model = model_by_id(sorted(models())[0])
    a, b = create_client(owner, "Alpha Handel GmbH"), create_client(owner, "Beta Bau AG")
    create_round(owner, a.id, "Workshop Alpha", model)
    create_round(owner, b.id, "Workshop Beta", model)
    with admin.begin() as conn:
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"'))
    app_url = make_url(owner_url).set(username=role, password=None)
    app = make_engine(app_url.render_as_string(hide_password=False))
    install(app)
    yield {"owner": owner, "app": app, "a": a, "b": b, "model": model}
    app.dispose()
    forget(owner_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


def test_scope_hides_another_clients_rows(installation):
    app, a, b = installation["app"], installation["a"], installation["b"]
    with client_scope(a.id):
        assert [r.name for r in list_rounds(app, a.id)] == ["Workshop Alpha"]
        assert list_rounds(app, b.id) == []  # the query asks for B: the database answers nothing
        with app.connect() as conn:  # even a query that forgets the client filter
            assert conn.execute(select(assessment_rounds.c.name)).scalars().all() == ["Workshop Alpha"]
            assert set(conn.execute(select(audit_log.c.client_id)).scalars()) == {a.id}
    with client_scope(ALL):
        assert len(list_rounds(app, b.id)) == 1


def test_scope_refuses_writes_for_another_client(installation):
    from core.errors import StorageError

    app, a, b, model = installation["app"], installation["a"], installation["b"], installation["model"]
    with client_scope(a.id):
        with pytest.raises(StorageError):  # the policy's WITH CHECK refuses the row
            create_round(app, b.id, "Eingeschleust", model)
        create_round(app, a.id, "Zweiter Workshop", model)
    with installation["owner"].connect() as conn:
        assert conn.execute(select(func.count()).where(assessment_rounds.c.client_id == b.id)).scalar() == 1
        assert conn.execute(select(func.count()).where(assessment_rounds.c.client_id == a.id)).scalar() == 2


def test_pooled_connection_does_not_keep_a_scope(installation):
    app, a, b = installation["app"], installation["a"], installation["b"]
    with client_scope(a.id):
        assert list_rounds(app, b.id) == []
    with client_scope(b.id):  # the same pooled connection, now for B
        assert [r.name for r in list_rounds(app, b.id)] == ["Workshop Beta"]
        assert votes_frame(app, a.id, list_rounds(installation["owner"], a.id)[0].id).empty


def test_owner_and_superuser_are_not_bound(installation):
    owner, a, b = installation["owner"], installation["a"], installation["b"]
    install(owner)
    with client_scope(a.id):
        assert len(list_rounds(owner, b.id)) == 1  # why the app must not connect as the owner


@pytest.mark.parametrize("team_mode, admin, has_client, scope", [
    (False, True, True, None), (True, True, True, "*"), (True, False, True, "7"), (True, False, False, "-1"),
])
def test_scope_for(team_mode, admin, has_client, scope):
    from auth.guard import Principal
    from auth.roles import Role
    from storage.clients import Client

    principal = Principal(1, "x", Role.ADMIN if admin else Role.MANAGER, frozenset({7}))
    assert scope_for(principal, team_mode, Client(7, "a", "A") if has_client else None) == scope
    assert scope_for(None, team_mode, None) is None  # a participant by code: the vote page finds the round
