"""A deal a CRM's webhook sent, as due work: its owner found by e-mail in Slack (their
check-ins planned), then the deal announced in the workspace's deal channel, once, with
the buttons a captured post's thread reply has. An owner nobody in Slack has is picked
with the announcement's owner picker, as for a CRM's post Serve could not match."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.languages import _, speaking
from bot.runner import GiveUp
from bot.services import crm
from bot.services.deals import Shown
from bot.views.deals import deal_reply

from .work import Wiring, Work

log = logging.getLogger(__name__)
OWNER_LOOKED_FOR = "owner_looked_for"


def register(wiring: Wiring) -> None:
    wiring.register(crm.ANNOUNCE, announce)


def announce(work: Work) -> str | None:
    deal_id = work.deal_id
    due = crm.announcement_due(work.store, deal_id)
    if isinstance(due, str):
        return due
    if _find_owner(work, due):
        due = crm.announcement_due(work.store, deal_id)
        if isinstance(due, str):
            return due
    channel = _deal_channel(work)
    if channel is None:
        return "recorded; no deal channel is set, so it was not announced"
    voice = work.speaking_in(channel)
    with speaking(voice):
        drawn = deal_reply(due.deal, due.planned)
    posted = work.post_once(channel, drawn)
    permalink = work.delivery.permalink(posted.channel, posted.ts)
    now = crm.record_announcement(work.store, deal_id, posted.channel, posted.ts, permalink)
    if now is None:
        return None
    with speaking(voice):
        redrawn = deal_reply(now.deal, now.planned)
    if redrawn == drawn:
        return None
    try:
        work.delivery.client.chat_update(channel=posted.channel, ts=posted.ts, **redrawn)
    except SlackClientError as error:
        log.warning("could not redraw deal %s's announcement: %s", deal_id, error)
        return "announced; the change that came meanwhile could not be drawn in"
    return "announced, then redrawn for a change that came meanwhile"


def _find_owner(work: Work, due: Shown) -> bool:
    """Look the CRM's owner up by e-mail, once: True when they were found (the deal is
    theirs now, check-ins planned)."""
    deal = due.deal
    if deal.owner_id or not deal.owner_email or work.job.progress.get(OWNER_LOOKED_FOR):
        return False
    try:
        person = work.directory.person_by_email(work.delivery.client, deal.owner_email)
    except SlackApiError as error:
        if error.response.status_code == 429 or error.response.status_code >= 500:
            raise  # may pass: the runner tries again
        # Slack refused the look-up itself (an install from before users:read.email was
        # asked for says missing_scope): the owner is picked by hand, as for no match.
        log.warning("deal %s: no owner look-up: %s", deal.id, error.response.get("error"))
        person = None
    found = person is not None and person.reachable
    if person is not None and found:
        chosen, tz = work.workspace, person.tz
        crm.owner_found(
            work.store, work.clock, work.team_id, deal.id, person.user_id, (lambda: chosen, tz)
        )
    work.save_progress({OWNER_LOOKED_FOR: True})
    return found


def _deal_channel(work: Work) -> str | None:
    """The first of the workspace's deal channels, as an id."""
    chosen = work.workspace.deal_channels
    if not chosen:
        return None
    found = work.directory.channel_id(work.delivery.client, chosen[0])
    if found is None:
        # Translators: why a deal was not announced, shown to admins on the Home tab;
        # {channel} is a channel's id or name.
        unseen = _("the deal channel {channel} is not one the bot can see")
        raise GiveUp(unseen.format(channel=chosen[0]))
    return found
