"""Workspaces and deals.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("deal_channels", sa.JSON()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), sa.ForeignKey("workspaces.team_id"), nullable=False),
        sa.Column("channel_id", sa.String(32)),
        sa.Column("message_ts", sa.String(32)),
        sa.Column("customer", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.String(32)),
        sa.Column("owner_name", sa.String(200)),
        sa.Column("posted_by", sa.String(32)),
        sa.Column("amount", sa.Numeric(18, 2)),
        sa.Column("currency", sa.String(3)),
        sa.Column("from_integration", sa.Boolean(), nullable=False),
        sa.Column("permalink", sa.Text()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("removed_by", sa.String(32)),
        sa.Column("reply_ts", sa.String(32)),
        sa.Column("reply_claimed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_deals_message"),
    )
    op.create_index("ix_deals_team_id", "deals", ["team_id"])


def downgrade() -> None:
    op.drop_index("ix_deals_team_id", table_name="deals")
    op.drop_table("deals")
    op.drop_table("workspaces")
