"""workshop round options (issue 14)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 00:50:00

Reserved in the chain so that parallel work does not fork it; empty until its change lands.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
