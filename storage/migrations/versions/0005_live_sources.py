"""live database sources (issue 12)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 00:50:00

Reserved in the chain so that parallel work does not fork it; empty until its change lands.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
