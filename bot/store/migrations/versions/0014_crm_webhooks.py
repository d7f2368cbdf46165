"""Deals a CRM's webhook sent (which CRM, its record and won stage, a link, the owner's
e-mail), one a record and stage; and each workspace's CRM webhook secrets.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.add_column(sa.Column("source", sa.String(16)))
        batch.add_column(sa.Column("source_record", sa.String(64)))
        batch.add_column(sa.Column("source_stage", sa.String(100)))
        batch.add_column(sa.Column("source_link", sa.Text()))
        batch.add_column(sa.Column("owner_email", sa.String(254)))
        batch.create_unique_constraint(
            "uq_deals_crm_win", ["team_id", "source", "source_record", "source_stage"]
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
    with op.batch_alter_table("deals") as batch:
        batch.drop_constraint("uq_deals_crm_win", type_="unique")
        for column in ("owner_email", "source_link", "source_stage", "source_record", "source"):
            batch.drop_column(column)
