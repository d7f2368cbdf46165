"""Per-workspace story-prompt and digest schedule, time zone, and who changed settings;
a person's pause of their own prompts and check-ins, until a day or until they resume;
hand-offs, for a customer's timeline; the team asked to help a customer who needs it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("prompt_weekday", sa.Integer()))
        batch.add_column(sa.Column("prompt_time", sa.String(5)))
        batch.add_column(sa.Column("digest_weekday", sa.Integer()))
        batch.add_column(sa.Column("digest_time", sa.String(5)))
        batch.add_column(sa.Column("timezone", sa.String(64)))
        batch.add_column(sa.Column("settings_changed_by", sa.String(32)))
        batch.add_column(sa.Column("settings_changed_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("paused_until", sa.Date()))
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("help_asked_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("help_post_channel", sa.String(32)))
        batch.add_column(sa.Column("help_post_ts", sa.String(32)))
        batch.add_column(sa.Column("helper_id", sa.String(32)))
        batch.add_column(sa.Column("helped_at", sa.DateTime(timezone=True)))
    op.create_table(
        "hand_offs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("deal_id", sa.Integer(), sa.ForeignKey("deals.id"), nullable=False),
        sa.Column("from_user", sa.String(32)),
        sa.Column("to_user", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_hand_offs_deal_id", "hand_offs", ["deal_id"])


def downgrade() -> None:
    op.drop_table("hand_offs")
    with op.batch_alter_table("checkins") as batch:
        for column in ("helped_at", "helper_id", "help_post_ts", "help_post_channel"):
            batch.drop_column(column)
        batch.drop_column("help_asked_at")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("paused_until")
    with op.batch_alter_table("workspaces") as batch:
        for column in (
            "settings_changed_at",
            "settings_changed_by",
            "timezone",
            "digest_time",
            "digest_weekday",
            "prompt_time",
            "prompt_weekday",
        ):
            batch.drop_column(column)
