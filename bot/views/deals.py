"""The thread reply under a deal announcement."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot.services.commands import CUSTOMER_MAX
from bot.store.models import CheckIn, Deal, DealStatus

from .blocks import actions, button, context, message, modal, plain, section
from .mrkdwn import escape, link, mention, money, slack_date
from .refs import MAX_LENGTH as METADATA_LIMIT
from .refs import DealRef, MessageRef, encode

NOT_A_DEAL = "deal_not_a_deal"
SET_OWNER = "deal_set_owner"
LOG_FROM_MESSAGE = "deal_from_message"
LOG_DEAL_MODAL = "deal_log_modal"
CHANGE_CUSTOMER = "deal_change_customer"
CHANGE_CUSTOMER_MODAL = "deal_change_customer_modal"
NOT_YOURS_TO_CHANGE = (
    "Only the deal's owner, the person who posted it or a Serve admin can change its customer."
)
AMOUNT_MAX = 40
AMOUNT_UNREAD = "Write an amount like $40k or 12,000 EUR, or leave it empty."
NAME_THE_CUSTOMER = "Say who the customer is."
ALREADY_A_DEAL = "This message is already a deal, so nothing changed."
COULD_NOT_LOG = (
    "I couldn't log that deal: I can't read that channel. Invite me to it "
    "(/invite @Serve) and try again."
)
SLACK_BUSY = (
    "Slack is busy right now, so I couldn't read that message to log it. Try again in a minute."
)
ALREADY_REMOVED = "That deal is already removed, so there's nothing more to do."
OWNER_NOT_A_PERSON = "Pick a person who is active in this workspace, not a bot."
CRM_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce"}
NOTICED_WHILE_AWAY = "I noticed it while I was away, so this comes a little late."


def deal_reply(deal: Deal, planned: Sequence[CheckIn] = ()) -> dict[str, Any]:
    """Message arguments (text + blocks) for the reply, matching the deal's current state."""
    if not deal.is_active:
        return _removed_reply(deal)
    customer = escape(deal.customer)
    details = [f"Owner: {_owner(deal)}"]
    if deal.amount is not None:
        details.append(f"Amount: {money(deal.amount, deal.currency)}")
    if deal.source:
        details.append(_from_crm(deal))
    late = f" {NOTICED_WHILE_AWAY}" if deal.caught_up else ""
    return message(
        f"Noted a closed deal with {customer}.{late} Owner: {_owner(deal)}.",
        [
            section(
                f":handshake: Noted a closed deal with *{customer}*.{late} I'll remind the "
                "owner to check in on them as a person, not a pipeline."
            ),
            context(" · ".join(details)),
            context(_plan_line(deal, planned)),
            actions(
                encode(DealRef(deal.id)),
                _owner_picker(deal),
                button("Change customer", CHANGE_CUSTOMER, encode(DealRef(deal.id))),
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


def _from_crm(deal: Deal) -> str:
    """Where a deal a CRM sent came from, linked to its record when the CRM gave one."""
    crm = CRM_NAMES.get(str(deal.source), "the CRM")
    return f"From {link(deal.source_link, crm)}" if deal.source_link else f"From {crm}"


def _owner(deal: Deal) -> str:
    if deal.owner_id:
        return mention(deal.owner_id)
    if deal.owner_name:
        return f"{escape(deal.owner_name)} (not matched to a Slack user)"
    return "nobody yet"


def log_deal_modal(
    channel_id: str,
    message: dict[str, Any],
    customer: str,
    owner_id: str | None,
    amount: tuple[Decimal | None, str | None] = (None, None),
) -> dict[str, Any]:
    """Logging a message Serve did not read as a deal: who the customer is, who owns it,
    for how much, each as read and each editable. The message (as recognition reads it)
    travels in the form, so logging it needs no read back from Slack, whose history a
    distributed app may call once a minute."""
    owner_element: dict[str, Any] = {"type": "users_select", "action_id": "value"}
    if owner_id:
        owner_element["initial_user"] = owner_id
    return modal(
        LOG_DEAL_MODAL,
        _carried(channel_id, message),
        "Log a closed deal",
        "Log it",
        [
            section(
                "I'll note this message as a closed deal, reply in its thread, and remind "
                "the owner to check in with the customer."
            ),
            customer_input(customer, placeholder=True),
            {
                "type": "input",
                "block_id": "owner",
                "label": plain("Who looks after them"),
                "element": owner_element,
            },
            _amount_input(amount),
        ],
    )


def customer_input(customer: str = "", placeholder: bool = False) -> dict[str, Any]:
    """The customer's name in a form, as read or as it stands, editable."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": CUSTOMER_MAX,
    }
    if placeholder:
        element["placeholder"] = plain("Acme Corp")
    if customer:
        element["initial_value"] = customer[:CUSTOMER_MAX]
    return {"type": "input", "block_id": "customer", "label": plain("Customer"), "element": element}


def _amount_input(amount: tuple[Decimal | None, str | None]) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": AMOUNT_MAX,
        "placeholder": plain("$40k"),
    }
    if amount[0] is not None:
        element["initial_value"] = money(amount[0], amount[1])
    return {
        "type": "input",
        "block_id": "amount",
        "optional": True,
        "label": plain("Amount"),
        "element": element,
    }


def _carried(channel_id: str, message: dict[str, Any]) -> str:
    """The message with the form when it fits Slack's private_metadata; else only where
    it is, to be read back on submission."""
    ts = str(message["ts"])
    whole = encode(MessageRef(channel_id, ts, message))
    return whole if len(whole) <= METADATA_LIMIT else encode(MessageRef(channel_id, ts))


def change_customer_modal(deal: Deal) -> dict[str, Any]:
    """The customer's name, to correct: the deal, its check-ins and timeline follow."""
    return modal(
        CHANGE_CUSTOMER_MODAL,
        encode(DealRef(deal.id)),
        "Change customer",
        "Save",
        [
            customer_input(deal.customer),
            context("Check-ins and the customer's timeline will use the new name."),
        ],
    )
