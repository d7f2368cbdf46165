"""The thread reply under a deal announcement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.store.models import CheckIn, Deal, DealStatus

from .blocks import actions, button, context, message, plain, section
from .mrkdwn import escape, mention, money, slack_date
from .refs import DealRef, encode

NOT_A_DEAL = "deal_not_a_deal"
SET_OWNER = "deal_set_owner"
ALREADY_REMOVED = "That deal is already removed, so there's nothing more to do."
OWNER_NOT_A_PERSON = "Pick a person who is active in this workspace, not a bot."


def deal_reply(deal: Deal, planned: Sequence[CheckIn] = ()) -> dict[str, Any]:
    """Message arguments (text + blocks) for the reply, matching the deal's current state."""
    if not deal.is_active:
        return _removed_reply(deal)
    customer = escape(deal.customer)
    details = [f"Owner: {_owner(deal)}"]
    if deal.amount is not None:
        details.append(f"Amount: {money(deal.amount, deal.currency)}")
    return message(
        f"Noted a closed deal with {customer}. Owner: {_owner(deal)}.",
        [
            section(
                f":handshake: Noted a closed deal with *{customer}*. I'll remind the owner "
                "to check in on them as a person, not a pipeline."
            ),
            context(" · ".join(details)),
            context(_plan_line(deal, planned)),
            actions(
                encode(DealRef(deal.id)),
                _owner_picker(deal),
                button(
                    "Not a deal",
                    NOT_A_DEAL,
                    encode(DealRef(deal.id)),
                    confirm=(
                        "Remove this deal?",
                        f"No check-ins will be sent for *{customer}*.",
                        "Remove",
                        "Keep it",
                    ),
                ),
            ),
        ],
    )


def _owner_picker(deal: Deal) -> dict[str, Any]:
    picker: dict[str, Any] = {
        "type": "users_select",
        "action_id": SET_OWNER,
        "placeholder": plain("Change owner"),
    }
    if deal.owner_id:
        picker["initial_user"] = deal.owner_id
    return picker


def _plan_line(deal: Deal, planned: Sequence[CheckIn]) -> str:
    dates = [slack_date(c.due_at, "{date_short_pretty}") for c in planned if c.due_at]
    if dates:
        return f":calendar: Check-ins: {', '.join(dates)}"
    if not deal.owner_id:
        return ":calendar: No check-ins yet: pick the owner below and I'll plan them."
    return ":calendar: No check-ins planned."


def _removed_reply(deal: Deal) -> dict[str, Any]:
    customer = escape(deal.customer)
    if deal.status == DealStatus.DISMISSED and deal.removed_by:
        reason = f"{mention(deal.removed_by)} marked this as not a deal"
    elif deal.status == DealStatus.DELETED:
        reason = "The announcement was deleted"
    else:
        reason = "The announcement no longer reads as a closed deal"
    return message(
        f"{reason}, so I removed the deal with {customer}.",
        [
            context(
                f":wastebasket: {reason}, so I removed the deal with ~{customer}~. "
                "No check-ins will be sent for it."
            )
        ],
    )


def _owner(deal: Deal) -> str:
    if deal.owner_id:
        return mention(deal.owner_id)
    if deal.owner_name:
        return f"{escape(deal.owner_name)} (not matched to a Slack user)"
    return "nobody yet"
