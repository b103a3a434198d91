"""live database sources (issue 12)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 00:50:00

A dataset version is either imported files (kind 'files', Parquet in the store) or a live source
(kind 'live': the manifest YAML with its ${NAME} placeholders as written, no rows stored; the KPIs run
on the client's database, docs/live-sources.md). ``snapshot`` holds the marker (row counts and max
timestamps per entity) read when the source was registered.
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='files'))
        batch_op.add_column(sa.Column('snapshot', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('snapshot')
        batch_op.drop_column('kind')
