"""A deal's thread reply as due work: posted once in the announcement's thread, then
recorded. The runner retries it with backoff on 5xx, timeouts and dropped connections,
waits out 429s, and gives up with the reason stored when the channel is gone."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackClientError

from bot.delivery import Delivery
from bot.services import deals
from bot.store.models import Deal
from bot.views.deals import deal_reply

from .work import Wiring, Work

log = logging.getLogger(__name__)


def register(wiring: Wiring) -> None:
    wiring.register(deals.REPLY, post_reply)


def post_reply(work: Work) -> str | None:
    """The reply shows the deal as it is when it goes out, so an edit that came first is
    in it; one that came while it was being posted is drawn over it at once."""
    delivery = work.delivery
    due = deals.reply_due(work.store, _deal_id(work))
    if isinstance(due, str):
        return due
    deal, drawn = due.deal, deal_reply(due.deal, due.planned)
    permalink = _permalink(delivery, deal)
    posted = work.post_once(str(deal.channel_id), drawn, thread_ts=deal.message_ts)
    now = deals.record_reply(work.store, deal.id, posted.ts, permalink)
    if now is None or (redrawn := deal_reply(now.deal, now.planned)) == drawn:
        return None
    try:
        delivery.client.chat_update(channel=posted.channel, ts=posted.ts, **redrawn)
    except SlackClientError as error:
        log.warning("could not redraw deal %s's reply: %s", deal.id, error)
        return "posted; the change that came meanwhile could not be drawn in"
    return "posted, then redrawn for a change that came meanwhile"


def _permalink(delivery: Delivery, deal: Deal) -> str | None:
    """A link back to the announcement, for the check-in DMs; without one they name the
    deal plainly, so no failure here holds the reply up."""
    try:
        answer = delivery.client.chat_getPermalink(
            channel=str(deal.channel_id), message_ts=str(deal.message_ts)
        )
    except SlackClientError:
        return None
    return str(answer.get("permalink") or "") or None


def _deal_id(work: Work) -> int:
    job = work.job
    if job.subject_id is None:
        raise ValueError(f"{job.kind} {job.id} names no deal")
    return job.subject_id
