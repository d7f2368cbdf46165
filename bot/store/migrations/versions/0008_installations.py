"""Many workspaces: slack_sdk's installation and OAuth state tables on the same database,
and when a workspace uninstalled the app (its data goes after a grace period).

The three tables are the ones slack_sdk's SQLAlchemy stores read and write, built by those
stores' own table definitions so that the two always agree.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INSTALLATIONS = "slack_installations"
BOTS = "slack_bots"
STATES = "slack_oauth_states"


def upgrade() -> None:
    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS)
    SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, STATES)
    metadata.create_all(op.get_bind())
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("uninstalled_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("uninstalled_at")
    for table in (STATES, BOTS, INSTALLATIONS):
        op.drop_table(table)
