"""The asks about posts Serve is unsure of (one a message), and the customer a person
settled on when they labelled a message as a deal.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deal_asks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
        sa.Column("asked_user", sa.String(32)),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("customer", sa.String(200)),
        sa.Column("owner_id", sa.String(32)),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(16)),
        sa.Column("answered_by", sa.String(32)),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_deal_asks_message"),
    )
    with op.batch_alter_table("labelled_messages") as batch:
        batch.add_column(sa.Column("customer", sa.String(200)))
    # Messages logged before: the customer they settled on is their deal's.
    op.execute(
        "UPDATE labelled_messages SET customer = (SELECT deals.customer FROM deals"
        " WHERE deals.team_id = labelled_messages.team_id"
        " AND deals.channel_id = labelled_messages.channel_id"
        " AND deals.message_ts = labelled_messages.message_ts)"
        " WHERE label = 'deal'"
    )


def downgrade() -> None:
    with op.batch_alter_table("labelled_messages") as batch:
        batch.drop_column("customer")
    op.drop_table("deal_asks")
