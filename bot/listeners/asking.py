"""Asking when unsure: the ephemeral question to a poster about a post Serve could not
read surely, and its two buttons, "Log it" (the log-a-deal form, filled in) and "Not a
deal". The channel sees nothing until a person confirms."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.languages import _, speaking
from bot.services import asking
from bot.services.deals import Ask
from bot.services.recognition import amount_in
from bot.views import asks as views
from bot.views import deals as deal_views
from bot.views.blocks import context, message
from bot.views.refs import MessageRef

from .incoming import Incoming

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(views.LOG_IT)(log_it)
    app.action(views.NOT_A_DEAL)(not_a_deal)


def ask(incoming: Incoming, asked: Ask) -> None:
    """Ask the person alone; an owner a CRM named only if Slack knows them as a person.
    A question that cannot be posted is logged: the post can still be logged by hand."""
    if asked.named_by_integration and not incoming.reachable(asked.user_id):
        return
    with speaking(incoming.speaking_to(asked.user_id)):  # the owner a CRM post names, too
        drawn = views.ask(asked.channel_id, asked.ts, asked.customer)
    try:
        incoming.client.chat_postEphemeral(channel=asked.channel_id, user=asked.user_id, **drawn)
    except SlackApiError as error:
        log.warning("could not ask about a post: %s", error.response.get("error"))


def log_it(ack: Ack, incoming: Incoming) -> None:
    ack()
    ref = incoming.ref(MessageRef)
    asked = (
        asking.asked_about(incoming.store, incoming.team, ref.channel_id, ref.ts) if ref else None
    )
    if ref is None or asked is None:
        incoming.tell(_(views.ASK_GONE))
        return
    amount = amount_in(asked.message)
    form = deal_views.log_deal_modal(
        ref.channel_id, asked.message, asked.customer or "", asked.owner_id, amount
    )
    incoming.open(form)


def not_a_deal(ack: Ack, incoming: Incoming) -> None:
    ack()
    ref = incoming.ref(MessageRef)
    noted = ref is not None and asking.not_a_deal(
        incoming.store, incoming.clock, incoming.team, ref.channel_id, ref.ts, incoming.user
    )
    gone = message(_(views.ASK_GONE), [context(_(views.ASK_GONE))])
    incoming.replace(views.noted_not_a_deal() if noted else gone)
