"""What a person sees when something breaks: a short ephemeral note, never a trace."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.views.errors import SOMETHING_WENT_WRONG

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.error(something_went_wrong)


def something_went_wrong(error: Exception, body: dict[str, Any], client: WebClient) -> None:
    log.exception("listener failed", exc_info=error)
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    if not (user and channel):
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=SOMETHING_WENT_WRONG)
    except SlackApiError:
        log.warning("could not tell %s that something went wrong", user)
