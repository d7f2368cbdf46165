"""Catching up after downtime: how far Serve has seen each deal channel, each
workspace's turn at reading history, and which deals were read from history.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_reads",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("seen_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wanted_from", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "history_turns",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
    )
    # A plain ADD COLUMN (SQLite takes one with a default) rather than a table rebuilt.
    op.add_column(
        "deals", sa.Column("caught_up", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("caught_up")
    op.drop_table("history_turns")
    op.drop_table("channel_reads")
