"""A request from Slack taken once: Slack never retries a slash command or an
interaction, so one that arrives again is a replay of a signed request (within the
five minutes its signature is good for) or a Socket Mode redelivery, and doing it again
would store a second deal or story."""

from __future__ import annotations

import hashlib

from bot.clock import Clock
from bot.store import seen
from bot.store.db import Store


def first_delivery(store: Store, clock: Clock, team: str, trigger: str) -> bool:
    """True the first time a request with this trigger comes from this workspace, and
    never again for a day; keys older than that are let go in the same unit of work."""
    now = clock.now()
    key = hashlib.sha256(f"{team}:{trigger}".encode()).hexdigest()
    with store.session() as session:
        seen.forget_before(session, now - seen.REMEMBERED)
        return seen.first_sight(session, key, now)
