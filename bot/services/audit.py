"""The audit trail as admins read it with `/serve audit`: the latest entries, newest
first, and how many older ones the export holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.store import audit as queries
from bot.store.db import Store
from bot.store.models import AuditEntry

SHOWN = 20  # entries `/serve audit` lists; the export has every one


@dataclass(frozen=True)
class Trail:
    entries: Sequence[AuditEntry]  # newest first
    total: int

    @property
    def older(self) -> int:
        """Entries not shown."""
        return self.total - len(self.entries)


def latest(store: Store, team_id: str, most: int = SHOWN) -> Trail:
    with store.reading() as session:
        entries = queries.latest(session, team_id, most)
        total = queries.count(session, team_id)
    return Trail(entries, total)
