"""Check-ins, and check-in settings per workspace.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("checkin_cadence_days", sa.JSON()))
        batch.add_column(sa.Column("checkin_hour", sa.Integer()))
        batch.add_column(sa.Column("holidays", sa.JSON()))
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deals.id"), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("send_key", sa.String(64)),
        sa.Column("last_error", sa.String(200)),
        sa.Column("dm_channel", sa.String(32)),
        sa.Column("message_ts", sa.String(32)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("reminded_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.String(16)),
        sa.Column("note", sa.Text()),
        sa.Column("logged_by", sa.String(32)),
        sa.Column("logged_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_checkins_due", "checkins", ["due_at"])
    op.create_index("ix_checkins_deal_id", "checkins", ["deal_id"])


def downgrade() -> None:
    op.drop_table("checkins")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("holidays")
        batch.drop_column("checkin_hour")
        batch.drop_column("checkin_cadence_days")
