"""Shortcuts on any message: "Share as a service story", "Log as a closed deal"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services.recognition import recognise_deal
from bot.services.stories import helpers_named_in, readable
from bot.views.deals import LOG_FROM_MESSAGE, log_deal_modal
from bot.views.stories import SHARE_FROM_MESSAGE, story_modal


def register(app: App, deps: Deps) -> None:
    register_stories(app, deps)
    register_deals(app, deps)


def register_stories(app: App, deps: Deps) -> None:
    @app.shortcut(SHARE_FROM_MESSAGE)
    def on_share_from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        text = message.get("text") or ""
        helpers = helpers_named_in(text, message.get("user"), body["user"]["id"])
        client.views_open(
            trigger_id=body["trigger_id"],
            view=story_modal(
                "shortcut",
                helpers=helpers,
                what_happened=readable(text),
                source_link=_permalink(client, body),
            ),
        )


def register_deals(app: App, deps: Deps) -> None:
    @app.shortcut(LOG_FROM_MESSAGE)
    def on_log_as_a_deal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        guess = recognise_deal(message)
        owner = guess.owner_id if guess and guess.owner_id else message.get("user")
        client.views_open(
            trigger_id=body["trigger_id"],
            view=log_deal_modal(
                body["channel"]["id"], message["ts"], guess.customer if guess else "", owner
            ),
        )


def _permalink(client: WebClient, body: dict[str, Any]) -> str | None:
    try:
        answer = client.chat_getPermalink(
            channel=body["channel"]["id"], message_ts=body["message"]["ts"]
        )
    except (SlackApiError, KeyError):
        return None
    return answer.get("permalink")
