"""row-level security on client tables (PostgreSQL only)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:05:00

The second line behind the repositories' ``client_id`` filters: a transaction that set
``app.client_id`` (``storage.scope``) sees and writes only that client's rows. No setting, an
empty one or ``*`` means every client (the command line, migrations, the anonymous benchmark).
It binds only roles that neither own the tables nor are superusers: connect the app as such a
role (docs/team-mode.md "Row-level security"). SQLite: nothing to do.
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLES = ("assessment_rounds", "participants", "votes", "ratings", "targets", "datasets", "mapping_profiles",
          "scorecard_settings", "manual_values", "snapshots", "audit_log")
SCOPE = "current_setting('app.client_id', true)"
RULE = (f"(coalesce({SCOPE}, '') in ('', '*') "
        f"or client_id = cast(nullif(nullif({SCOPE}, ''), '*') as integer))")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY client_scope ON {table} USING {RULE} WITH CHECK {RULE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP POLICY IF EXISTS client_scope ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
