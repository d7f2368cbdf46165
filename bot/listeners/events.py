"""Events API: messages in the deal channels."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.services import deals
from bot.services.deals import Change

from .deal_replies import plan_and_reply, update_reply


def register(app: App, deps: Deps) -> None:
    @app.event("message")
    def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        channel = event.get("channel", "")
        if event.get("channel_type") not in deals.CHANNEL_TYPES or not deals.watches_channel(
            deps.settings.deal_channels,
            channel,
            lambda: deps.directory.channel_name(client, channel),
        ):
            return
        team_id, bot_id = context.team_id or "", context.bot_id
        subtype = event.get("subtype")
        if subtype == "message_deleted":
            removed = deals.remove_for_deleted_message(
                deps.store, deps.clock, team_id, channel, event["deleted_ts"]
            )
            if removed is not None:
                update_reply(deps, client, removed)
        elif subtype == "message_changed":
            outcome = deals.revise_deal(
                deps.store, deps.clock, team_id, channel, event["message"], bot_id
            )
            if outcome.change == Change.RECORDED and outcome.deal:
                plan_and_reply(deps, client, outcome.deal)
            elif outcome.change in (Change.UPDATED, Change.REMOVED) and outcome.deal:
                update_reply(deps, client, outcome.deal)
        else:
            deal = deals.capture_deal(deps.store, deps.clock, team_id, channel, event, bot_id)
            if deal is not None:
                plan_and_reply(deps, client, deal)
