"""A deal's thread reply as due work: posted once in the announcement's thread, then
recorded. The runner retries it with backoff on 5xx, timeouts and dropped connections,
waits out 429s, and gives up with the reason stored when the channel is gone."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackClientError

from bot.languages import speaking
from bot.services import deals
from bot.views.deals import deal_reply

from .work import Wiring, Work

log = logging.getLogger(__name__)


def register(wiring: Wiring) -> None:
    wiring.register(deals.REPLY, post_reply)


def post_reply(work: Work) -> str | None:
    """The reply shows the deal as it is when it goes out, so an edit that came first is
    in it; one that came while it was being posted is drawn over it at once."""
    delivery = work.delivery
    due = deals.reply_due(work.store, work.deal_id)
    if isinstance(due, str):
        return due
    deal, voice = due.deal, work.speaking_in(str(due.deal.channel_id))
    with speaking(voice):
        drawn = deal_reply(deal, due.planned)
    permalink = delivery.permalink(str(deal.channel_id), str(deal.message_ts))
    posted = work.post_once(str(deal.channel_id), drawn, thread_ts=deal.message_ts)
    now = deals.record_reply(work.store, deal.id, posted.ts, permalink)
    if now is None:
        return None
    with speaking(voice):
        redrawn = deal_reply(now.deal, now.planned)
    if redrawn == drawn:
        return None
    try:
        delivery.client.chat_update(channel=posted.channel, ts=posted.ts, **redrawn)
    except SlackClientError as error:
        log.warning("could not redraw deal %s's reply: %s", deal.id, error)
        return "posted; the change that came meanwhile could not be drawn in"
    return "posted, then redrawn for a change that came meanwhile"
