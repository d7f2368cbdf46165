"""The question Serve asks a poster, alone, about a post it is unsure of: was it a closed
deal? Nothing shows in the channel until a person says so."""

from __future__ import annotations

from typing import Any

from bot.languages import N_, _

from .blocks import actions, button, context, message, section
from .mrkdwn import inline
from .refs import MessageRef, encode

LOG_IT = "ask_log_it"
NOT_A_DEAL = "ask_not_a_deal"
WAS_IT_A_DEAL = N_("Was this a closed deal?")
NOTED_NOT_A_DEAL = N_("Thanks, noted: not a deal. I'll read posts like it the same way.")
# Translators: "Log as a closed deal" is the name of Serve's message shortcut, which
# Slack shows in English.
ASK_GONE = N_("I no longer have that post, so there's nothing to log. Try Log as a closed deal.")
CUSTOMER_SHOWN = 150  # of the customer as read, in the question


def ask(channel_id: str, ts: str, customer: str | None) -> dict[str, Any]:
    """Message arguments for the ephemeral question; its buttons carry the message's place."""
    where = encode(MessageRef(channel_id, ts))
    read_as = (
        # Translators: {customer} is the customer's name as Serve read it from the post.
        _(
            "I read the customer as *{customer}*. If it was, log it and I'll plan the check-ins."
        ).format(customer=inline(customer, CUSTOMER_SHOWN))
        if customer
        else _(
            "I couldn't tell who the customer is. If it was, log it and I'll plan the check-ins."
        )
    )
    return message(
        _(WAS_IT_A_DEAL),
        [
            section(_(":thinking_face: *Was this a closed deal?* Only you can see this.")),
            context(read_as),
            actions(
                where,
                # Translators: a button, at most 75 characters.
                button(_("Log it"), LOG_IT, where, style="primary"),
                # Translators: a button, at most 75 characters.
                button(_("Not a deal"), NOT_A_DEAL, where),
            ),
        ],
    )


def noted_not_a_deal() -> dict[str, Any]:
    return message(
        _(NOTED_NOT_A_DEAL),
        [context(_(":ok_hand: Thanks, noted: not a deal. I'll read posts like it the same way."))],
    )
