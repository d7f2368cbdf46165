"""When each claim of due work began, and the window in which an earlier attempt that may
have taken effect ran: a send looks for what that attempt posted there, and only there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = ("claimed_at", "tried_from", "tried_until")


def upgrade() -> None:
    with op.batch_alter_table("due_work") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("due_work") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
