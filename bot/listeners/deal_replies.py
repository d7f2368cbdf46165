"""Posting and updating the thread reply under a deal announcement."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import deals
from bot.store.db import Store
from bot.store.models import Deal
from bot.views.deals import deal_reply

log = logging.getLogger(__name__)


def post_reply(client: WebClient, store: Store, deal: Deal) -> None:
    try:
        reply = client.chat_postMessage(
            channel=deal.channel_id, thread_ts=deal.message_ts, **deal_reply(deal)
        )
    except SlackApiError as error:
        deals.release_reply(store, deal.id)
        log.error("could not reply to deal %s: %s", deal.id, error.response.get("error"))
        return
    deals.record_reply(store, deal.id, reply["ts"], _permalink(client, deal))


def update_reply(client: WebClient, deal: Deal) -> None:
    if deal.reply_ts is None:
        return
    try:
        client.chat_update(channel=deal.channel_id, ts=deal.reply_ts, **deal_reply(deal))
    except SlackApiError as error:
        log.error(
            "could not update the reply for deal %s: %s", deal.id, error.response.get("error")
        )


def _permalink(client: WebClient, deal: Deal) -> str | None:
    try:
        return client.chat_getPermalink(channel=deal.channel_id, message_ts=deal.message_ts)[
            "permalink"
        ]
    except SlackApiError:
        return None
