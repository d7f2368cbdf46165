"""Events API: messages in the deal channels, people's profile changes, and the app
leaving a workspace."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.people import planning
from bot.services import deals, installs

from .deal_replies import show_change, update_reply


def register(app: App, deps: Deps) -> None:
    @app.event("message")
    def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        channel = event.get("channel", "")
        team_id, bot_id = context.team_id or "", context.bot_id
        if event.get("channel_type") not in deals.CHANNEL_TYPES:
            return
        watched = deps.recent_settings.get(deps.store, team_id, deps.settings).deal_channels
        if not deals.watches_channel(
            watched, channel, lambda: deps.directory.channel_name(client, channel)
        ):
            return
        subtype = event.get("subtype")
        if subtype == "message_deleted":
            removed = deals.remove_for_deleted_message(
                deps.store, deps.clock, team_id, channel, event["deleted_ts"]
            )
            if removed is not None:
                update_reply(deps, client, removed, ())
            return
        plans = planning(deps, client, team_id)
        if subtype == "message_changed":
            change = deals.revise_deal(
                deps.store, deps.clock, team_id, channel, event["message"], plans, bot_id
            )
        else:
            change = deals.capture_deal(
                deps.store, deps.clock, team_id, channel, event, plans, bot_id
            )
        show_change(deps, client, change)

    @app.event("user_change")
    def on_user_change(event: dict[str, Any]) -> None:
        """Keep what we know of people fresh: time zones, and away statuses above all."""
        user = event.get("user")
        if isinstance(user, dict) and user.get("id"):
            deps.directory.learn(user)

    def left(team_id: str | None) -> None:
        if team_id:
            grace = deps.settings.uninstall_grace_days
            installs.uninstalled(deps.store, deps.clock, team_id, grace)

    @app.event("app_uninstalled")
    def on_uninstalled(context: BoltContext) -> None:
        left(context.team_id)

    @app.event("tokens_revoked")
    def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        """Without its bot token the app can send a workspace nothing: as uninstalled."""
        if (event.get("tokens") or {}).get("bot"):
            left(context.team_id)
