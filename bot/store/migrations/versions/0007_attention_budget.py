"""The attention budget: every message Serve sends a person unasked is counted; check-ins
due close together for one person go out in one DM (`sent_with`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("send_key", sa.String(64), nullable=False, unique=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_nudges_person", "nudges", ["team_id", "user_id", "sent_at"])
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("sent_with", sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("sent_with")
    op.drop_table("nudges")
