"""The workspace's own examples for the reader: every message a person labelled (Log it,
Not a deal, Log as a closed deal, Change customer), as they settled it. The team's way of
announcing is what rules written elsewhere cannot know; these teach it."""

from __future__ import annotations

import threading
import weakref
from time import monotonic

from sqlalchemy.orm import Session

from bot.store import labels as queries
from bot.store.db import Store
from bot.store.models import Label, LabelledMessage

from .reading import Example
from .recognition import DealSighting, amount_in

EXAMPLES_READ = 200  # the newest labels teach; enough for a team's ways, cheap to read


def examples_for(store: Store, team_id: str, limit: int = EXAMPLES_READ) -> list[Example]:
    """The workspace's labelled messages as examples, newest first: as read a moment ago
    (every message in a deal channel is read with them), so a label given in this
    process teaches at once, one given through another replica within `FRESH_FOR`."""
    return RECENT.get(store, team_id, limit)


def read_examples(store: Store, team_id: str, limit: int = EXAMPLES_READ) -> list[Example]:
    with store.reading() as session:
        examples = [_example(row) for row in queries.newest(session, team_id, limit)]
    return [e for e in examples if e is not None]


def labelled(session: Session, team_id: str) -> None:
    """A label is being given in the workspace, in `session`: the next message reads it."""
    RECENT.forget(session.get_bind(), team_id)


class RecentExamples:
    FRESH_FOR = 5.0  # seconds

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # by the database's engine, which label writes and example reads both know
        self._read: weakref.WeakKeyDictionary[object, dict[tuple[str, int], Read]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, store: Store, team_id: str, limit: int) -> list[Example]:
        now = monotonic()
        with self._lock:
            known = self._read.get(store.engine, {}).get((team_id, limit))
        if known is not None and now - known[0] < self.FRESH_FOR:
            return known[1]
        examples = read_examples(store, team_id, limit)
        with self._lock:
            self._read.setdefault(store.engine, {})[(team_id, limit)] = (now, examples)
        return examples

    def forget(self, engine: object, team_id: str) -> None:
        with self._lock:
            read = self._read.get(engine, {})
            for key in [key for key in read if key[0] == team_id]:
                del read[key]


Read = tuple[float, list[Example]]
RECENT = RecentExamples()


def _example(row: LabelledMessage) -> Example | None:
    """None for a deal label with no customer (its deal was gone before 0012 kept it)."""
    message = dict(row.message)
    if row.label != Label.DEAL:
        return Example(message, None, row.labelled_at)
    amount, currency = amount_in(message)
    integration = bool(message.get("bot_id")) or message.get("subtype") == "bot_message"
    customer = row.customer or ""
    owner = None if integration else message.get("user")
    sighting = DealSighting(customer, owner, None, amount, currency, integration)
    return Example(message, sighting, row.labelled_at) if customer else None
