"""Answers to the question Serve asks about a post it is unsure of: "Not a deal" keeps
the message as an example of what is not one; "Log it" opens the log-a-deal form on the
message as it was read when asked (logging it is `deals.log_deal`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.store import asks as queries
from bot.store import labels
from bot.store.db import Store
from bot.store.models import Label

from .examples import labelled


@dataclass(frozen=True)
class Asked:
    """A post Serve asked about, as the form to log it starts."""

    message: dict[str, Any]
    customer: str | None
    owner_id: str | None  # the owner read, else whoever was asked


def asked_about(store: Store, team_id: str, channel_id: str, ts: str) -> Asked | None:
    """The post asked about at `ts`; None when Serve never asked (a tampered button)."""
    with store.reading() as session:
        ask = queries.ask_for(session, team_id, channel_id, ts)
        if ask is None:
            return None
        return Asked(dict(ask.message), ask.customer, ask.owner_id or ask.asked_user)


def not_a_deal(store: Store, clock: Clock, team_id: str, channel_id: str, ts: str, by: str) -> bool:
    """Someone said the post asked about is not a deal: the label is kept, in one unit of
    work with the answer. False when Serve never asked about it."""
    now = clock.now()
    with store.session() as session:
        ask = queries.ask_for(session, team_id, channel_id, ts, lock=True)
        if ask is None:
            return False
        labelled(session, team_id)
        labels.label(session, team_id, channel_id, ts, Label.NOT_A_DEAL, ask.message, by, now)
        queries.answer(session, ask, Label.NOT_A_DEAL.value, by, now)
        return True
