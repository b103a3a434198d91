"""workshop round options and claimed registrations (issue 14, items 4 and 5)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 00:50:00

- ``assessment_rounds.anonymous``: the projector shows the votes without names (a round option).
- ``participants.claimed_at``: when a name the facilitator registered was taken up by its person
  (joined with the code and that name, or opened the personal link); NULL while unclaimed.
  Rows that exist before this revision count as claimed (``joined_at``): nobody can take over a
  name that was already in use.
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE participants SET claimed_at = joined_at")


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
    with op.batch_alter_table('assessment_rounds', schema=None) as batch_op:
        batch_op.drop_column('anonymous')
