"""Per-workspace story-prompt and digest schedule, time zone, and who changed settings.

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


def downgrade() -> None:
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
