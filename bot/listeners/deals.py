"""Deals: posts in the deal channels (new, edited, deleted), the reply Serve keeps in
each deal's thread with its "Not a deal" button and owner picker, the "Log as a closed
deal" shortcut and its form, and `/serve deal` with its form."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.languages import _, speaking
from bot.services import checkins, deals
from bot.services.commands import CUSTOMER_MAX, Command, DealWords, Refusal, parse_deal
from bot.services.deals import Change, DealChange
from bot.services.reading import read_post
from bot.services.recognition import amount_in, as_read
from bot.services.typed import has_control_characters, text_problem
from bot.store.models import CheckIn, Deal
from bot.views import commands as command_views
from bot.views import deals as views
from bot.views.errors import CONTROL_CHARACTERS, field_error
from bot.views.refs import DealRef, MessageRef

from . import asking
from .incoming import Incoming

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("message")(on_message)
    app.action(views.NOT_A_DEAL)(not_a_deal)
    app.action(views.SET_OWNER)(set_owner)
    app.action(views.CHANGE_CUSTOMER)(change_customer)
    app.view(views.CHANGE_CUSTOMER_MODAL)(customer_changed)
    app.shortcut(views.LOG_FROM_MESSAGE)(log_from_message)
    app.view(views.LOG_DEAL_MODAL)(logged_from_message)
    app.view(command_views.NEW_DEAL_MODAL)(logged_by_hand)


# -- posts in a deal channel ------------------------------------------------------------------


def on_message(event: dict[str, Any], incoming: Incoming) -> None:
    if event.get("channel_type") not in deals.CHANNEL_TYPES or not _watched(incoming):
        return
    if event.get("subtype") == "message_deleted":
        _deleted(incoming, str(event["deleted_ts"]))
    else:
        _posted_or_edited(incoming, event)
    seen = str(event.get("event_ts") or event.get("ts") or "")
    incoming.deps.channels_seen.saw(
        incoming.store, incoming.clock, incoming.team, incoming.channel, seen
    )


def _posted_or_edited(incoming: Incoming, event: dict[str, Any]) -> None:
    team, channel, bot_id = incoming.team, incoming.channel, incoming.bot_id
    store, clock, plans = incoming.store, incoming.clock, incoming.planning()
    if event.get("subtype") == "message_changed":
        change = deals.revise_deal(store, clock, team, channel, event["message"], plans, bot_id)
    else:
        change = deals.capture_deal(store, clock, team, channel, event, plans, bot_id)
    if change.deal is not None and change.change != Change.UNCHANGED:
        fields = {"workspace": team, "kind": "deal", "outcome": str(change.change)}
        log.info("deal %s: %s", change.deal.id, change.change, extra=fields)
    show_change(incoming, change)
    if change.ask is not None:
        asking.ask(incoming, change.ask)


def _watched(incoming: Incoming) -> bool:
    deps, channel = incoming.deps, incoming.channel
    chosen = deps.recent_settings.get(deps.store, incoming.team, deps.settings).deal_channels
    return deals.watches_channel(
        chosen, channel, lambda: deps.directory.channel_name(incoming.client, channel)
    )


def _deleted(incoming: Incoming, ts: str) -> None:
    removed = deals.remove_for_deleted_message(
        incoming.store, incoming.clock, incoming.team, incoming.channel, ts
    )
    if removed is not None:
        update_reply(incoming, removed, ())


# -- the thread reply ----------------------------------------------------------------------------


def show_change(incoming: Incoming, change: DealChange) -> None:
    """Redraw the thread reply for a change to a deal that has one. A deal without one has
    it queued as due work: the runner posts it soon, showing the deal as it is then."""
    if change.deal is None or change.change == Change.UNCHANGED:
        return
    if change.deal.reply_ts is None:
        incoming.deps.run_soon()
        return
    update_reply(incoming, change.deal, change.planned)


def update_reply(incoming: Incoming, deal: Deal, planned: Sequence[CheckIn] | None = None) -> None:
    if deal.reply_ts is None or deal.channel_id is None:
        return
    if planned is None:
        planned = checkins.open_for_deal(incoming.store, deal.id)
    with speaking(incoming.speaking_in(deal.channel_id)):  # the channel's, not the clicker's
        drawn = views.deal_reply(deal, planned)
    incoming.update(deal.channel_id, deal.reply_ts, drawn, f"deal {deal.id}'s reply")


# -- the reply's buttons ---------------------------------------------------------------------------


def not_a_deal(ack: Ack, incoming: Incoming) -> None:
    ack()
    ref = incoming.ref(DealRef)
    deal = None
    if ref is not None:
        deal = deals.dismiss_deal(
            incoming.store, incoming.clock, incoming.team, ref.deal_id, incoming.user
        )
    if deal is None:
        incoming.tell(_(views.ALREADY_REMOVED))
        return
    update_reply(incoming, deal, ())


def set_owner(ack: Ack, incoming: Incoming) -> None:
    ack()
    owner = str(incoming.action.get("selected_user") or "")
    if not incoming.reachable(owner):
        incoming.tell(_(views.OWNER_NOT_A_PERSON))
        return
    ref = incoming.ref(DealRef, where="block_id")
    change = deals.DealChange(Change.UNCHANGED)
    if ref is not None:
        change = deals.set_owner(
            incoming.store, incoming.clock, incoming.team, ref.deal_id, owner, incoming.planning()
        )
    if change.deal is None:
        incoming.tell(_(views.ALREADY_REMOVED))
        return
    show_change(incoming, change)


def change_customer(ack: Ack, incoming: Incoming) -> None:
    ack()
    ref = incoming.ref(DealRef)
    deal = deals.shown_deal(incoming.store, incoming.team, ref.deal_id) if ref else None
    if deal is None:
        incoming.tell(_(views.ALREADY_REMOVED))
        return
    if not deals.may_change_customer(deal, incoming.user, lambda: incoming.is_admin):
        incoming.tell(_(views.NOT_YOURS_TO_CHANGE))
        return
    incoming.open(views.change_customer_modal(deal))


def customer_changed(ack: Ack, incoming: Incoming) -> None:
    customer = incoming.text_field("customer").strip()
    problem = customer_problem(customer)
    if problem:
        ack(response_action="errors", errors={"customer": problem})
        return
    ref = incoming.modal_ref(DealRef)
    deal = deals.shown_deal(incoming.store, incoming.team, ref.deal_id) if ref else None
    if deal is None or not deals.may_change_customer(
        deal, incoming.user, lambda: incoming.is_admin
    ):
        ack()
        incoming.tell(_(views.ALREADY_REMOVED if deal is None else views.NOT_YOURS_TO_CHANGE))
        return
    store, clock, team = incoming.store, incoming.clock, incoming.team
    changed = deals.change_customer(store, clock, team, deal.id, customer, incoming.user)
    ack()  # once stored: a form that could not be saved stays open (see errors.py)
    if changed is None:
        incoming.tell(_(views.ALREADY_REMOVED))
        return
    update_reply(incoming, changed)


# -- "Log as a closed deal" ---------------------------------------------------------------------


def log_from_message(ack: Ack, incoming: Incoming) -> None:
    ack()
    message = incoming.body.get("message") or {}
    guess = read_post(message).sighting  # an unsure reading's guess fills the form too
    owner = guess.owner_id if guess and guess.owner_id else message.get("user")
    customer = guess.customer if guess else ""
    read = as_read(message)
    amount = amount_in(message)
    incoming.open(views.log_deal_modal(incoming.channel, read, customer, owner, amount))


def logged_from_message(ack: Ack, incoming: Incoming) -> None:
    customer = incoming.text_field("customer").strip()
    owner = str(incoming.field("owner").get("selected_user") or "")
    amount = typed_amount(incoming)
    problem = _log_form_problem(incoming, customer, owner, amount)
    if problem is not None or isinstance(amount, str):
        ack(response_action="errors", errors=problem)
        return
    ref = incoming.modal_ref(MessageRef)
    message = _message_to_log(incoming, ref) if ref else _(views.COULD_NOT_LOG)
    if ref is None or isinstance(message, str):
        ack()
        incoming.tell(str(message))
        return
    said = deals.LoggedDeal(customer, owner, incoming.user, amount)
    plans = incoming.planning()
    change = deals.log_deal(
        incoming.store, incoming.clock, incoming.team, ref.channel_id, message, said, plans
    )
    ack()  # once stored: a form that could not be saved stays open (see errors.py)
    if change.change == deals.Change.UNCHANGED:
        incoming.client.chat_postEphemeral(
            channel=ref.channel_id, user=incoming.user, text=_(views.ALREADY_A_DEAL)
        )
        return
    show_change(incoming, change)


def typed_amount(incoming: Incoming) -> tuple[Decimal | None, str | None] | str | None:
    """The amount typed in the log form: None when the form has no amount field (one
    opened before it had: the message's own amount counts), what to say under the field
    when what was typed is no amount."""
    if "amount" not in incoming.view.get("state", {}).get("values", {}):
        return None
    typed = incoming.text_field("amount").strip()
    if not typed:
        return (None, None)
    read = amount_in({"type": "message", "text": typed})
    return read if read[0] is not None else _(views.AMOUNT_UNREAD)


def _log_form_problem(
    incoming: Incoming, customer: str, owner: str, amount: object
) -> dict[str, str] | None:
    """What to say under the log form's first wrong field; None when all are right."""
    problem = customer_problem(customer)
    if problem:
        return {"customer": problem}
    if not incoming.reachable(owner):
        return {"owner": _(views.OWNER_NOT_A_PERSON)}
    return {"amount": amount} if isinstance(amount, str) else None


def _message_to_log(incoming: Incoming, ref: MessageRef) -> dict[str, Any] | str:
    """The message the form was opened on, as the shortcut carried it; read back from
    Slack only when it was too long to carry. Otherwise what to tell the person."""
    if ref.message is not None:
        return ref.message
    try:
        found = incoming.directory.message(incoming.client, ref.channel_id, ref.ts)
    except SlackApiError:  # only a rate limit comes through: Slack said to wait
        return _(views.SLACK_BUSY)
    return found if found is not None else _(views.COULD_NOT_LOG)


# -- `/serve deal` -------------------------------------------------------------------------------


def serve_deal(incoming: Incoming, command: Command) -> None:
    if not command.rest:
        incoming.ack()
        incoming.open(command_views.new_deal_modal())
        return
    words = parse_deal(command.rest)
    if isinstance(words, Refusal):
        incoming.answer(command_views.refusal(words))
        return
    incoming.ack()
    owner = words.owner_id or incoming.user
    if not incoming.reachable(owner):
        incoming.later(command_views.said(_(command_views.OWNER_NOT_A_PERSON)))
        return
    said = deals.LoggedDeal(words.customer, owner, incoming.user)
    change = _log_by_hand(incoming, said, (words.amount, words.currency))
    if change.deal is not None:
        incoming.later(command_views.deal_logged(change.deal, change.planned))


def customer_problem(customer: str) -> str | None:
    """What is wrong with a customer typed into a form, said under its field."""
    if not customer:
        return _(views.NAME_THE_CUSTOMER)
    problem = text_problem(customer, CUSTOMER_MAX)
    too_long = command_views.REFUSALS[Refusal.CUSTOMER_TOO_LONG]
    return field_error(problem, too_long) if problem else None


def logged_by_hand(ack: Ack, incoming: Incoming) -> None:
    typed = incoming.text_field("customer")
    words = parse_deal(typed) if not has_control_characters(typed) else None
    owner = str(incoming.field("owner").get("selected_user") or "")
    if not isinstance(words, DealWords):
        refused = command_views.REFUSALS[words] if words else _(CONTROL_CHARACTERS)
        ack(response_action="errors", errors={"customer": refused})
        return
    if not incoming.reachable(owner):
        ack(response_action="errors", errors={"owner": _(views.OWNER_NOT_A_PERSON)})
        return
    amount = amount_in({"type": "message", "text": incoming.text_field("amount")})
    change = _log_by_hand(incoming, deals.LoggedDeal(words.customer, owner, incoming.user), amount)
    ack()  # once stored: a form that could not be saved stays open (see errors.py)
    if change.deal is not None:
        incoming.client.chat_postMessage(
            channel=incoming.user, **command_views.deal_logged(change.deal, change.planned)
        )


def _log_by_hand(
    incoming: Incoming, said: deals.LoggedDeal, amount: tuple[Decimal | None, str | None]
) -> DealChange:
    return deals.log_by_hand(
        incoming.store, incoming.clock, incoming.team, said, amount, incoming.planning()
    )
