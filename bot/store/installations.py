"""slack_sdk's installation and OAuth state stores, on Serve's own database (the tables
come from migration 0008)."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, delete
from sqlalchemy.orm import Session

from .db import Store, rows_changed

STATE_EXPIRES_SECONDS = 600  # from the install page to Slack's redirect back
TABLES = MetaData()  # slack_sdk's, beside bot.store.models' own
_INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(
    TABLES, SQLAlchemyInstallationStore.default_installations_table_name
)
_BOTS = SQLAlchemyInstallationStore.build_bots_table(
    TABLES, SQLAlchemyInstallationStore.default_bots_table_name
)
SQLAlchemyOAuthStateStore.build_oauth_states_table(
    TABLES, SQLAlchemyOAuthStateStore.default_table_name
)


class Installations(SQLAlchemyInstallationStore):
    """Who installed the app where, with each workspace's bot token; `on_install` hears
    of every installation saved, so Serve knows the workspace is (back) in service."""

    def __init__(
        self, client_id: str, store: Store, on_install: Callable[[Installation], None]
    ) -> None:
        super().__init__(client_id=client_id, engine=store.engine)
        self.on_install = on_install

    def save(self, installation: Installation) -> None:
        super().save(installation)
        if installation.team_id:
            self.on_install(installation)


def oauth_states(store: Store) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRES_SECONDS, engine=store.engine)


def delete_installations(session: Session, team_id: str) -> int:
    """Every installation and bot token kept for a workspace."""
    rows = 0
    for table in (_BOTS, _INSTALLATIONS):
        rows += rows_changed(session.execute(delete(table).where(table.c.team_id == team_id)))
    return rows
