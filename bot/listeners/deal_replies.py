"""Posting and updating the thread reply under a deal announcement."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services import checkins, deals
from bot.services.cadence import zone_or_default
from bot.store.models import CheckIn, Deal
from bot.views.deals import deal_reply

log = logging.getLogger(__name__)


def zone_of(deps: Deps, client: WebClient, user_id: str | None) -> ZoneInfo:
    """A person's Slack time zone, or the workspace default when Slack has none."""
    person = deps.directory.person(client, user_id) if user_id else None
    return zone_or_default(person.tz if person else None, deps.settings.default_timezone)


def plan_for(deps: Deps, client: WebClient, deal: Deal) -> list[CheckIn]:
    """Plan a deal's check-ins in its owner's time zone (once; later calls keep them)."""
    policy = checkins.policy_for(deps.store, deal.team_id, deps.settings)
    zone = zone_of(deps, client, deal.owner_id)
    return checkins.plan_for_deal(deps.store, deps.clock, deal.id, zone, policy)


def plan_and_reply(deps: Deps, client: WebClient, deal: Deal) -> None:
    """A new deal: plan its check-ins, then say so in the thread."""
    post_reply(deps, client, deal, plan_for(deps, client, deal))


def post_reply(deps: Deps, client: WebClient, deal: Deal, planned: Sequence[CheckIn]) -> None:
    try:
        reply = client.chat_postMessage(
            channel=deal.channel_id, thread_ts=deal.message_ts, **deal_reply(deal, planned)
        )
    except SlackApiError as error:
        deals.release_reply(deps.store, deal.id)
        log.error("could not reply to deal %s: %s", deal.id, error.response.get("error"))
        return
    deals.record_reply(deps.store, deal.id, reply["ts"], _permalink(client, deal))


def update_reply(deps: Deps, client: WebClient, deal: Deal) -> None:
    if deal.reply_ts is None:
        return
    planned = checkins.open_for_deal(deps.store, deal.id)
    try:
        client.chat_update(channel=deal.channel_id, ts=deal.reply_ts, **deal_reply(deal, planned))
    except SlackApiError as error:
        log.error("could not update deal %s's reply: %s", deal.id, error.response.get("error"))


def _permalink(client: WebClient, deal: Deal) -> str | None:
    try:
        answer = client.chat_getPermalink(channel=deal.channel_id, message_ts=deal.message_ts)
    except SlackApiError:
        return None
    return answer.get("permalink")
