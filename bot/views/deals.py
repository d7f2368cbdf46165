"""The thread reply under a deal announcement."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot.languages import N_, _
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
NOT_YOURS_TO_CHANGE = N_(
    "Only the deal's owner, the person who posted it or a Serve admin can change its customer."
)
AMOUNT_MAX = 40
AMOUNT_UNREAD = N_("Write an amount like $40k or 12,000 EUR, or leave it empty.")
NAME_THE_CUSTOMER = N_("Say who the customer is.")
ALREADY_A_DEAL = N_("This message is already a deal, so nothing changed.")
COULD_NOT_LOG = N_(
    "I couldn't log that deal: I can't read that channel. Invite me to it "
    "(/invite @Serve) and try again."
)
SLACK_BUSY = N_(
    "Slack is busy right now, so I couldn't read that message to log it. Try again in a minute."
)
ALREADY_REMOVED = N_("That deal is already removed, so there's nothing more to do.")
OWNER_NOT_A_PERSON = N_("Pick a person who is active in this workspace, not a bot.")
CRM_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce"}  # names, as they are
NOTICED_WHILE_AWAY = N_("I noticed it while I was away, so this comes a little late.")
NOBODY = N_("nobody yet")


def deal_reply(deal: Deal, planned: Sequence[CheckIn] = ()) -> dict[str, Any]:
    """Message arguments (text + blocks) for the reply, matching the deal's current state."""
    if not deal.is_active:
        return _removed_reply(deal)
    customer = escape(deal.customer)
    owner = _owner(deal)
    # Translators: {owner} is a person, or a name with "(not matched to a Slack user)".
    details = [_("Owner: {owner}").format(owner=owner)]
    if deal.amount is not None:
        # Translators: {amount} is money, such as $40,000.
        details.append(_("Amount: {amount}").format(amount=money(deal.amount, deal.currency)))
    if deal.source:
        details.append(_from_crm(deal))
    if deal.caught_up:
        # Translators: a notification's text; {customer} is a customer's name, {late} the
        # sentence "I noticed it while I was away, so this comes a little late.", {owner} a
        # person.
        fallback = _("Noted a closed deal with {customer}. {late} Owner: {owner}.")
        # Translators: {customer} is a customer's name, {late} the sentence "I noticed it
        # while I was away, so this comes a little late."
        noted = _(
            ":handshake: Noted a closed deal with *{customer}*. {late} I'll remind the owner "
            "to check in on them as a person, not a pipeline."
        )
    else:
        # Translators: a notification's text; {customer} is a customer's name, {owner} a
        # person.
        fallback = _("Noted a closed deal with {customer}. Owner: {owner}.")
        # Translators: {customer} is a customer's name.
        noted = _(
            ":handshake: Noted a closed deal with *{customer}*. I'll remind the owner to "
            "check in on them as a person, not a pipeline."
        )
    late = _(NOTICED_WHILE_AWAY)
    return message(
        fallback.format(customer=customer, late=late, owner=owner),
        [
            section(noted.format(customer=customer, late=late)),
            context(" · ".join(details)),
            context(_plan_line(deal, planned)),
            actions(
                encode(DealRef(deal.id)),
                _owner_picker(deal),
                # Translators: a button, 75 characters at most.
                button(_("Change customer"), CHANGE_CUSTOMER, encode(DealRef(deal.id))),
                button(
                    # Translators: a button, 75 characters at most.
                    _("Not a deal"),
                    NOT_A_DEAL,
                    encode(DealRef(deal.id)),
                    confirm=(
                        # Translators: a confirming dialog's title, 100 characters at most.
                        _("Remove this deal?"),
                        # Translators: {customer} is a customer's name.
                        _("No check-ins will be sent for *{customer}*.").format(customer=customer),
                        # Translators: the dialog's buttons, 30 characters at most each.
                        _("Remove"),
                        _("Keep it"),
                    ),
                ),
            ),
        ],
    )


def _owner_picker(deal: Deal) -> dict[str, Any]:
    picker: dict[str, Any] = {
        "type": "users_select",
        "action_id": SET_OWNER,
        "placeholder": plain(_("Change owner")),
    }
    if deal.owner_id:
        picker["initial_user"] = deal.owner_id
    return picker


def _plan_line(deal: Deal, planned: Sequence[CheckIn]) -> str:
    dates = [slack_date(c.due_at, "{date_short_pretty}") for c in planned if c.due_at]
    if dates:
        # Translators: {dates} is a list of dates, separated by commas.
        return _(":calendar: Check-ins: {dates}").format(dates=", ".join(dates))
    if not deal.owner_id:
        return _(":calendar: No check-ins yet: pick the owner below and I'll plan them.")
    return _(":calendar: No check-ins planned.")


def _removed_reply(deal: Deal) -> dict[str, Any]:
    customer = escape(deal.customer)
    if deal.status == DealStatus.DISMISSED and deal.removed_by:
        who = mention(deal.removed_by)
        # Translators: a notification's text; {who} is a person, {customer} a customer's name.
        fallback = _("{who} marked this as not a deal, so I removed the deal with {customer}.")
        # Translators: {who} is a person, {customer} a customer's name (struck through).
        shown = _(
            ":wastebasket: {who} marked this as not a deal, so I removed the deal with "
            "~{customer}~. No check-ins will be sent for it."
        )
    elif deal.status == DealStatus.DELETED:
        who = ""
        # Translators: a notification's text; {customer} is a customer's name.
        fallback = _("The announcement was deleted, so I removed the deal with {customer}.")
        # Translators: {customer} is a customer's name (struck through).
        shown = _(
            ":wastebasket: The announcement was deleted, so I removed the deal with "
            "~{customer}~. No check-ins will be sent for it."
        )
    else:
        who = ""
        # Translators: a notification's text; {customer} is a customer's name.
        fallback = _(
            "The announcement no longer reads as a closed deal, so I removed the deal with "
            "{customer}."
        )
        # Translators: {customer} is a customer's name (struck through).
        shown = _(
            ":wastebasket: The announcement no longer reads as a closed deal, so I removed "
            "the deal with ~{customer}~. No check-ins will be sent for it."
        )
    return message(
        fallback.format(who=who, customer=customer),
        [context(shown.format(who=who, customer=customer))],
    )


def _from_crm(deal: Deal) -> str:
    """Where a deal a CRM sent came from, linked to its record when the CRM gave one."""
    crm = CRM_NAMES.get(str(deal.source)) or _("the CRM")
    source = link(deal.source_link, crm) if deal.source_link else crm
    # Translators: {crm} is a CRM's name (HubSpot, Salesforce), linked to its record or not.
    return _("From {crm}").format(crm=source)


def _owner(deal: Deal) -> str:
    if deal.owner_id:
        return mention(deal.owner_id)
    if deal.owner_name:
        # Translators: {name} is a person's name as a CRM or a post wrote it.
        return _("{name} (not matched to a Slack user)").format(name=escape(deal.owner_name))
    return _(NOBODY)


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
        # Translators: a modal's title, 24 characters at most.
        _("Log a closed deal"),
        # Translators: a modal's submit button, 24 characters at most.
        _("Log it"),
        [
            section(
                _(
                    "I'll note this message as a closed deal, reply in its thread, and remind "
                    "the owner to check in with the customer."
                )
            ),
            customer_input(customer, placeholder=True),
            {
                "type": "input",
                "block_id": "owner",
                "label": plain(_("Who looks after them")),
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
        # Translators: an example of a company's name.
        element["placeholder"] = plain(_("Acme Corp"))
    if customer:
        element["initial_value"] = customer[:CUSTOMER_MAX]
    return {
        "type": "input",
        "block_id": "customer",
        "label": plain(_("Customer")),
        "element": element,
    }


def _amount_input(amount: tuple[Decimal | None, str | None]) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": AMOUNT_MAX,
        # Translators: an example of an amount, as people here would type it.
        "placeholder": plain(_("$40k")),
    }
    if amount[0] is not None:
        element["initial_value"] = money(amount[0], amount[1])
    return {
        "type": "input",
        "block_id": "amount",
        "optional": True,
        "label": plain(_("Amount")),
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
        # Translators: a modal's title, 24 characters at most.
        _("Change customer"),
        # Translators: a modal's submit button, 24 characters at most.
        _("Save"),
        [
            customer_input(deal.customer),
            context(_("Check-ins and the customer's timeline will use the new name.")),
        ],
    )
