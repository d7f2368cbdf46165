"""An audit trail of each workspace's settings changes, exports, forget-mes, uninstalls
and retention deletions; and how long a workspace keeps notes and stories.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_entries_team_at", "audit_entries", ["team_id", "at"])
    op.add_column("workspaces", sa.Column("retention_months", sa.Integer()))


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("retention_months")
    op.drop_index("ix_audit_entries_team_at", table_name="audit_entries")
    op.drop_table("audit_entries")
