"""Shortcuts: "Share as a service story" on any message."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.services.stories import helpers_named_in, readable
from bot.views.stories import SHARE_FROM_MESSAGE, story_modal


def register(app: App, deps: Deps) -> None:
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


def _permalink(client: WebClient, body: dict[str, Any]) -> str | None:
    try:
        answer = client.chat_getPermalink(
            channel=body["channel"]["id"], message_ts=body["message"]["ts"]
        )
    except (SlackApiError, KeyError):
        return None
    return answer.get("permalink")
