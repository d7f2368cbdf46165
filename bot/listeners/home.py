"""The App Home tab: published when a person opens it, and again after what they do."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.deps import Deps
from bot.people import is_admin
from bot.services import home, workspaces
from bot.views import home as home_views
from bot.views.settings import ADMINS_ONLY, settings_modal

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(deps, client, context.team_id or "", str(event.get("user") or ""))

    @app.action(home_views.HOME_PAGE)
    def on_page(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ack()
        raw = str((body.get("actions") or [{}])[0].get("value") or "0")
        page = int(raw) if raw.isdigit() else 0
        publish_home(deps, client, context.team_id or "", body["user"]["id"], page)

    @app.action(home_views.OPEN_SETTINGS)
    def on_settings(
        ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        ack()
        team_id, user = context.team_id or "", body["user"]["id"]
        if not is_admin(deps, client, team_id, user):
            client.chat_postMessage(channel=user, text=ADMINS_ONLY)
            return
        current = workspaces.settings_for(deps.store, team_id, deps.settings)
        client.views_open(trigger_id=body["trigger_id"], view=settings_modal(current))


def publish_home(deps: Deps, client: WebClient, team_id: str, user_id: str, page: int = 0) -> None:
    """Show `user_id` their Home as it is now; a failure is logged, never shown."""
    if not user_id:
        return
    try:
        admin = is_admin(deps, client, team_id, user_id)
        shown = home.home_for(
            deps.store, deps.settings, team_id, user_id, page, admin, deps.clock.now()
        )
        client.views_publish(user_id=user_id, view=home_views.home_view(shown))
    except SlackClientError as error:
        log.warning("could not publish %s's home: %s", user_id, error)
