"""slack_sdk's installation and OAuth state stores, on Serve's own database (the tables
come from migration 0008)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from time import monotonic

from slack_sdk.oauth.installation_store import Bot, Installation
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
    of every installation saved, so Serve knows the workspace is (back) in service.

    A workspace's bot is kept for `FRESH_FOR` after it was read (every DM and every
    event asks for it): one saved or deleted in this process is forgotten at once; one
    another replica changed is read again within `FRESH_FOR`."""

    FRESH_FOR = 5.0  # seconds

    def __init__(
        self, client_id: str, store: Store, on_install: Callable[[Installation], None]
    ) -> None:
        super().__init__(client_id=client_id, engine=store.engine)
        self.on_install = on_install
        self._bots: dict[tuple[str | None, str | None, bool], tuple[float, Bot | None]] = {}
        self._lock = threading.Lock()
        _IN_USE.add(self)

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        now = monotonic()
        with self._lock:
            known = self._bots.get(key)
        if known is not None and now - known[0] < self.FRESH_FOR:
            return known[1]
        bot = super().find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        with self._lock:
            self._bots[key] = (now, bot)
        return bot

    def save(self, installation: Installation) -> None:
        super().save(installation)
        self.forget(installation.team_id)
        if installation.team_id:
            self.on_install(installation)

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(bot)
        self.forget(bot.team_id)

    def forget(self, team_id: str | None) -> None:
        with self._lock:
            for key in [key for key in self._bots if key[1] == team_id]:
                del self._bots[key]


_IN_USE: weakref.WeakSet[Installations] = weakref.WeakSet()


def oauth_states(store: Store) -> SQLAlchemyOAuthStateStore:
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRES_SECONDS, engine=store.engine)


def delete_installations(session: Session, team_id: str) -> int:
    """Every installation and bot token kept for a workspace, forgotten at once by the
    stores on the same database."""
    engine = session.get_bind()
    for installations in list(_IN_USE):
        if installations.engine is engine:
            installations.forget(team_id)
    rows = 0
    for table in (_BOTS, _INSTALLATIONS):
        rows += rows_changed(session.execute(delete(table).where(table.c.team_id == team_id)))
    return rows
