"""Service stories, members' preferences, and once-per-week work (prompts, digests).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("team_channel", sa.String(80)))
        batch.add_column(sa.Column("recognition_channel", sa.String(80)))
        batch.add_column(sa.Column("notify_recognised", sa.Boolean()))
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("shared_by", sa.String(32), nullable=False),
        sa.Column("helpers", sa.JSON(), nullable=False),
        sa.Column("served", sa.String(200)),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("quality", sa.String(40)),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("source_link", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_stories_week", "stories", ["team_id", "week"])
    op.create_table(
        "members",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("prompts_paused", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "due_work",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("send_key", sa.String(64)),
        sa.Column("channel", sa.String(32)),
        sa.Column("message_ts", sa.String(32)),
        sa.Column("parts_sent", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("kind", "team_id", "period", "recipient", name="uq_due_work_once"),
    )
    op.create_index("ix_due_work_due", "due_work", ["due_at"])


def downgrade() -> None:
    op.drop_table("due_work")
    op.drop_table("members")
    op.drop_index("ix_stories_week", table_name="stories")
    op.drop_table("stories")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("notify_recognised")
        batch.drop_column("recognition_channel")
        batch.drop_column("team_channel")
