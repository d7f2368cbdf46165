"""One deal per real deal, whichever doors it came through: a CRM's webhook and the
CRM's own post in the deal channel (or a person's post) for the same win make one deal.

Two doors name the same win the same way, give or take a company suffix and case
("Acme Corp" and "ACME Corporation"), within a day or so of each other; nothing else
ties them together, since a webhook carries no message and a post no record id. Pure
but for the one query it makes, under the workspace's lock so two doors arriving at
once on two replicas take turns."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.store import deals as deal_queries
from bot.store import workspaces as workspace_queries
from bot.store.models import Deal

# How far apart two doors may say the same win: a CRM posts when the stage changes, a
# person may post the next morning.
WITHIN = timedelta(hours=36)
SUFFIXES = frozenset(
    {"inc", "incorporated", "ltd", "limited", "llc", "llp", "corp", "corporation", "co"}
    | {"company", "plc", "gmbh", "ag", "sa", "sas", "srl", "bv", "nv", "pty", "pte", "oy"}
    | {"ab", "as", "kk"}
)


def customer_key(customer: str) -> str:
    """The name as two doors would both write it: no case, marks or company suffix."""
    words = re.sub(r"[^\w&]+", " ", customer.casefold()).split()
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


def from_a_webhook(deal: Deal) -> bool:
    return deal.source is not None


def from_a_post(deal: Deal) -> bool:
    return deal.source is None and deal.message_ts is not None


# The doors the query can tell apart itself (a CRM's webhook: True, a post: False), so
# it fetches only the other door's deals; any other door is checked on every nearby deal.
DOOR_ROWS: dict[Callable[[Deal], bool], bool] = {from_a_webhook: True, from_a_post: False}


def same_win(
    session: Session,
    team_id: str,
    customer: str,
    at: datetime,
    now: datetime,
    door: Callable[[Deal], bool],
) -> Deal | None:
    """The active deal the other `door` recorded for this customer around `at`, if any.
    Holds the workspace's row, so the caller's new deal and the other door's cannot
    cross. (Within one door, the door's own key decides: a message, a CRM record.)"""
    workspace_queries.hold_workspace_row(session, team_id, now)
    key = customer_key(customer)
    if not key:
        return None
    start, end, through = at - WITHIN, at + WITHIN, DOOR_ROWS.get(door)
    nearby = deal_queries.active_deals_closed_between(session, team_id, start, end, through)
    return next((d for d in nearby if door(d) and customer_key(d.customer) == key), None)
