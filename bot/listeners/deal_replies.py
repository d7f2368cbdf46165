"""Posting and updating the thread reply under a deal announcement."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services import checkins, deals
from bot.services.deals import Change, DealChange
from bot.store.models import CheckIn, Deal
from bot.views.deals import deal_reply

log = logging.getLogger(__name__)


def show_change(deps: Deps, client: WebClient, change: DealChange) -> None:
    """Say in the thread what a change did: a reply for a new deal, an update otherwise."""
    if change.deal is None or change.change == Change.UNCHANGED:
        return
    if change.change == Change.RECORDED:
        post_reply(deps, client, change.deal, change.planned)
    else:
        update_reply(deps, client, change.deal, change.planned)


def post_reply(deps: Deps, client: WebClient, deal: Deal, planned: Sequence[CheckIn]) -> None:
    if not (deal.channel_id and deal.message_ts):
        return
    try:
        reply = client.chat_postMessage(
            channel=deal.channel_id, thread_ts=deal.message_ts, **deal_reply(deal, planned)
        )
    except SlackApiError as error:
        deals.release_reply(deps.store, deal.id)
        log.error("could not reply to deal %s: %s", deal.id, error.response.get("error"))
        return
    deals.record_reply(deps.store, deal.id, reply["ts"], _permalink(client, deal))


def update_reply(
    deps: Deps, client: WebClient, deal: Deal, planned: Sequence[CheckIn] | None = None
) -> None:
    if deal.reply_ts is None or deal.channel_id is None:
        return
    if planned is None:
        planned = checkins.open_for_deal(deps.store, deal.id)
    try:
        client.chat_update(channel=deal.channel_id, ts=deal.reply_ts, **deal_reply(deal, planned))
    except SlackApiError as error:
        log.error("could not update deal %s's reply: %s", deal.id, error.response.get("error"))


def _permalink(client: WebClient, deal: Deal) -> str | None:
    if not (deal.channel_id and deal.message_ts):
        return None
    try:
        answer = client.chat_getPermalink(channel=deal.channel_id, message_ts=deal.message_ts)
    except SlackApiError:
        return None
    return str(answer.get("permalink") or "") or None
