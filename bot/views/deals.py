"""The thread reply under a deal announcement."""

from __future__ import annotations

from typing import Any

from bot.store.models import Deal, DealStatus

from .mrkdwn import escape, mention, money

NOT_A_DEAL = "deal_not_a_deal"


def deal_reply(deal: Deal) -> dict[str, Any]:
    """Message arguments (text + blocks) for the reply, matching the deal's current state."""
    if not deal.is_active:
        return _removed_reply(deal)
    customer = escape(deal.customer)
    details = [f"Owner: {_owner(deal)}"]
    if deal.amount is not None:
        details.append(f"Amount: {money(deal.amount, deal.currency)}")
    text = f"Noted a closed deal with {customer}. Owner: {_owner(deal)}."
    return {
        "text": text,
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f":handshake: Noted a closed deal with *{customer}*. "
                    "I'll remind the owner to check in on them as a person, not a pipeline.",
                },
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(details)}]},
            {
                "type": "actions",
                "block_id": "deal_reply_actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": NOT_A_DEAL,
                        "text": {"type": "plain_text", "text": "Not a deal"},
                        "value": str(deal.id),
                        "confirm": {
                            "title": {"type": "plain_text", "text": "Remove this deal?"},
                            "text": {
                                "type": "mrkdwn",
                                "text": f"No check-ins will be planned for *{customer}*.",
                            },
                            "confirm": {"type": "plain_text", "text": "Remove"},
                            "deny": {"type": "plain_text", "text": "Keep it"},
                        },
                    }
                ],
            },
        ],
    }


def _removed_reply(deal: Deal) -> dict[str, Any]:
    customer = escape(deal.customer)
    if deal.status == DealStatus.DISMISSED and deal.removed_by:
        reason = f"{mention(deal.removed_by)} marked this as not a deal"
    elif deal.status == DealStatus.DELETED:
        reason = "The announcement was deleted"
    else:
        reason = "The announcement no longer reads as a closed deal"
    text = f"{reason}, so I removed the deal with {customer}."
    return {
        "text": text,
        "blocks": [
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f":wastebasket: {reason}, so I removed "
                        f"the deal with ~{customer}~. Nothing will be scheduled for it.",
                    }
                ],
            }
        ],
    }


def _owner(deal: Deal) -> str:
    if deal.owner_id:
        return mention(deal.owner_id)
    if deal.owner_name:
        return f"{escape(deal.owner_name)} (not matched to a Slack user)"
    return "nobody yet"


ALREADY_REMOVED = "That deal is already removed, so there's nothing more to do."
