"""Deals a CRM's webhook sent (which CRM, its record and won stage, a link, the owner's
e-mail), one a record and stage; and each workspace's CRM webhook secrets.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place, and a unique index rather than a constraint: on SQLite a
    # new constraint means copying the table, which the check-ins' foreign key refuses.
    op.add_column("deals", sa.Column("source", sa.String(16)))
    op.add_column("deals", sa.Column("source_record", sa.String(64)))
    op.add_column("deals", sa.Column("source_stage", sa.String(100)))
    op.add_column("deals", sa.Column("source_link", sa.Text()))
    op.add_column("deals", sa.Column("owner_email", sa.String(254)))
    op.create_index(
        "uq_deals_crm_win",
        "deals",
        ["team_id", "source", "source_record", "source_stage"],
        unique=True,
    )
    op.create_table(
        "crm_secrets",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("crm_secrets")
    op.drop_index("uq_deals_crm_win", "deals")
    for column in ("owner_email", "source_link", "source_stage", "source_record", "source"):
        op.drop_column("deals", column)
