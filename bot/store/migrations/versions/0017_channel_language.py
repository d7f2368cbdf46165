"""The language a workspace's channel posts speak, where an admin chose one over what
Slack says of each channel.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workspaces", sa.Column("language", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("language")
