"""What a person sees when something breaks: a short ephemeral note, never a trace. When
the database is what broke, nothing is dropped: an event (already acked, so Slack will
not send it again) is held and replayed once the database answers, and a form that
could not be saved stays open with what was typed and a line saying so."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.languages import _
from bot.store.db import database_unavailable
from bot.views.errors import NOT_SAVED, SOMETHING_WENT_WRONG

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    app.error(Breakage(deps).answer)


class Breakage:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def answer(
        self,
        error: Exception,
        body: dict[str, Any],
        response: BoltResponse | None,
        client: WebClient,
    ) -> BoltResponse | None:
        """Bolt's error handler: `response` is the ack still to be sent, None once sent."""
        if database_unavailable(error):
            if body.get("type") == "event_callback" and self.deps.held.hold(body):
                return None
            kept_open = form_not_saved(body) if response is not None else None
            if kept_open is not None:
                log.warning("could not save a form: the database is away")
                return kept_open
        something_went_wrong(error, body, client)
        return None


def form_not_saved(body: dict[str, Any]) -> BoltResponse | None:
    """A form submission's ack: the form stays open, the line under its first input;
    None for anything else."""
    if body.get("type") != "view_submission":
        return None
    blocks = (body.get("view") or {}).get("blocks") or []
    first = next((b.get("block_id") for b in blocks if b.get("type") == "input"), None)
    if not first:
        return None
    answer = {"response_action": "errors", "errors": {first: _(NOT_SAVED)}}
    return BoltResponse(status=200, body=answer)


def something_went_wrong(error: Exception, body: dict[str, Any], client: WebClient) -> None:
    log.exception("listener failed", exc_info=error)
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    if not (user and channel):
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=_(SOMETHING_WENT_WRONG))
    except SlackApiError:
        log.warning("could not tell %s that something went wrong", user)
