"""A deal's thread reply as due work: posted once in the announcement's thread, then
recorded. The runner retries it with backoff on 5xx, timeouts and dropped connections,
waits out 429s, and gives up with the reason stored when the channel is gone."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackClientError
from sqlalchemy.orm import Session

from bot.languages import Voice, speaking
from bot.services import deals
from bot.services.workspaces import effective
from bot.store.due import EndedWith
from bot.views.deals import deal_reply

from .work import Wiring, Work

log = logging.getLogger(__name__)


def register(wiring: Wiring) -> None:
    wiring.register(deals.REPLY, post_reply)


def post_reply(work: Work) -> str | None:
    """The reply shows the deal as it is when it goes out, so an edit that came first is
    in it; one that came while it was being posted is drawn over it at once. Otherwise
    where the reply is and the job's end are recorded together."""
    delivery = work.delivery
    due = deals.reply_due(work.store, work.deal_id)
    if isinstance(due, str):
        return due
    deal, channel = due.deal, str(due.deal.channel_id)
    language = effective(due.workspace, work.settings).channel_language
    voice = Voice(lambda: language or work.directory.channel_locale(work.slack_client(), channel))
    with speaking(voice):
        drawn = deal_reply(deal, due.planned)
    permalink = delivery.permalink(channel, str(deal.message_ts))
    posted = work.post_once(channel, drawn, thread_ts=deal.message_ts)
    ended: list[bool] = []

    def end_if_drawn(session: Session, now: deals.Shown) -> None:
        with speaking(voice):
            same = deal_reply(now.deal, now.planned) == drawn
        if same and work.finish_in(session):
            ended.append(True)

    now = deals.record_reply(work.store, deal.id, posted.ts, permalink, end_if_drawn)
    if now is None:
        return None
    if ended:
        return EndedWith("posted")
    with speaking(voice):
        redrawn = deal_reply(now.deal, now.planned)
    if redrawn == drawn:
        return None  # drawn the same, but the claim was lost: the runner says so
    try:
        delivery.client.chat_update(channel=posted.channel, ts=posted.ts, **redrawn)
    except SlackClientError as error:
        log.warning("could not redraw deal %s's reply: %s", deal.id, error)
        return "posted; the change that came meanwhile could not be drawn in"
    return "posted, then redrawn for a change that came meanwhile"
