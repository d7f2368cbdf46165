"""The workspace's own examples for the reader: every message a person labelled (Log it,
Not a deal, Log as a closed deal, Change customer), as they settled it. The team's way of
announcing is what rules written elsewhere cannot know; these teach it."""

from __future__ import annotations

from bot.store import labels as queries
from bot.store.db import Store
from bot.store.models import Label, LabelledMessage

from .reading import Example
from .recognition import DealSighting, amount_in

EXAMPLES_READ = 200  # the newest labels teach; enough for a team's ways, cheap to read


def examples_for(store: Store, team_id: str, limit: int = EXAMPLES_READ) -> list[Example]:
    """The workspace's labelled messages as examples, newest first."""
    with store.reading() as session:
        examples = [_example(row) for row in queries.newest(session, team_id, limit)]
    return [e for e in examples if e is not None]


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
