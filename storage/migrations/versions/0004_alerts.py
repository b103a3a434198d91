"""alert acknowledgements (issue 11)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 00:50:00

One row per monitoring alert a person acknowledged (``storage.alerts``): the client, the scorecard,
the alert's key (kpi|period|kind|slice), a note, the dataset version it was seen on, who and when.
On PostgreSQL the table gets the same row-level-security policy as every client table (0002).
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SCOPE = "current_setting('app.client_id', true)"
RULE = (f"(coalesce({SCOPE}, '') in ('', '*') "
        f"or client_id = cast(nullif(nullif({SCOPE}, ''), '*') as integer))")


def upgrade() -> None:
    op.create_table('alert_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.String(length=120), nullable=False),
    sa.Column('alert_key', sa.String(length=400), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('dataset_version', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_alert_acknowledgements_client_id_clients'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_acknowledgements')),
    sa.UniqueConstraint('client_id', 'scorecard_id', 'alert_key', name='uq_alert_acknowledgements_client_alert')
    )
    with op.batch_alter_table('alert_acknowledgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_acknowledgements_client_id'), ['client_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE alert_acknowledgements ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY client_scope ON alert_acknowledgements USING {RULE} WITH CHECK {RULE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS client_scope ON alert_acknowledgements")
    with op.batch_alter_table('alert_acknowledgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_acknowledgements_client_id'))
    op.drop_table('alert_acknowledgements')
