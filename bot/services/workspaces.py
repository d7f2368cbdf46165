"""Workspaces the bot serves."""

from __future__ import annotations

from bot.clock import Clock
from bot.store import deals as queries
from bot.store.db import Store


def ensure_workspace(store: Store, clock: Clock, team_id: str) -> None:
    with store.session() as session:
        queries.ensure_workspace(session, team_id, clock.now())
