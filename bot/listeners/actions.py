"""Buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.services import deals
from bot.views.deals import ALREADY_REMOVED, NOT_A_DEAL

from .deal_replies import update_reply


def register(app: App, deps: Deps) -> None:
    @app.action(NOT_A_DEAL)
    def on_not_a_deal(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        value = body["actions"][0].get("value", "")
        deal = None
        if value.isdigit():
            deal = deals.dismiss_deal(
                deps.store, deps.clock, context.team_id or "", int(value), user_id
            )
        if deal is None:
            client.chat_postEphemeral(
                channel=body["channel"]["id"], user=user_id, text=ALREADY_REMOVED
            )
            return
        update_reply(client, deal)
