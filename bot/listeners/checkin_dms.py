"""Keeping a check-in DM true to what was done with it, so nobody clicks twice."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services import checkins
from bot.views import checkins as checkin_views

log = logging.getLogger(__name__)


def update_checkin_dm(
    deps: Deps, client: WebClient, step: checkins.Step, alone: dict[str, Any], owner: str
) -> None:
    """Show `alone` in place of the check-in's DM; a DM that carries several check-ins
    is drawn again whole, each one as it stands now, for `owner` whose DM it is."""
    checkin = step.checkin
    if not (checkin.dm_channel and checkin.message_ts):
        return
    shown = checkins.in_same_dm(deps.store, checkin)
    drawn = checkin_views.shared_dm_now(shown, owner) if len(shown) > 1 else alone
    try:
        client.chat_update(channel=checkin.dm_channel, ts=checkin.message_ts, **drawn)
    except SlackApiError as error:
        log.warning("could not update check-in %s: %s", checkin.id, error)
