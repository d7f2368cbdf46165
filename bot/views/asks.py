"""The question Serve asks a poster, alone, about a post it is unsure of: was it a closed
deal? Nothing shows in the channel until a person says so."""

from __future__ import annotations

from typing import Any

from .blocks import actions, button, context, message, section
from .mrkdwn import inline
from .refs import MessageRef, encode

LOG_IT = "ask_log_it"
NOT_A_DEAL = "ask_not_a_deal"
WAS_IT_A_DEAL = "Was this a closed deal?"
NOTED_NOT_A_DEAL = "Thanks, noted: not a deal. I'll read posts like it the same way."
ASK_GONE = "I no longer have that post, so there's nothing to log. Try Log as a closed deal."
CUSTOMER_SHOWN = 150  # of the customer as read, in the question


def ask(channel_id: str, ts: str, customer: str | None) -> dict[str, Any]:
    """Message arguments for the ephemeral question; its buttons carry the message's place."""
    where = encode(MessageRef(channel_id, ts))
    read_as = (
        f"I read the customer as *{inline(customer, CUSTOMER_SHOWN)}*."
        if customer
        else "I couldn't tell who the customer is."
    )
    return message(
        WAS_IT_A_DEAL,
        [
            section(f":thinking_face: *{WAS_IT_A_DEAL}* Only you can see this."),
            context(f"{read_as} If it was, log it and I'll plan the check-ins."),
            actions(
                where,
                button("Log it", LOG_IT, where, style="primary"),
                button("Not a deal", NOT_A_DEAL, where),
            ),
        ],
    )


def noted_not_a_deal() -> dict[str, Any]:
    return message(NOTED_NOT_A_DEAL, [context(f":ok_hand: {NOTED_NOT_A_DEAL}")])
