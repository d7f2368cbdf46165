"""The App Home tab: published when a person opens it, and again after what they do."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackClientError

from bot.languages import speaking
from bot.languages import voice as voice_now
from bot.people import is_admin
from bot.services import home
from bot.views import home as views

from .incoming import Incoming

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(views.HOME_PAGE)(turn_page)


def home_opened(event: dict[str, Any], incoming: Incoming) -> None:
    if event.get("tab", "home") == "home":
        publish_home(incoming, incoming.user)


def turn_page(ack: Ack, incoming: Incoming) -> None:
    ack()
    raw = str(incoming.action.get("value") or "0")
    publish_home(incoming, incoming.user, int(raw) if raw.isdigit() else 0)


def publish_home(incoming: Incoming, user_id: str, page: int = 0) -> None:
    """Show `user_id` their Home as it is now; a failure is logged, never shown."""
    if not user_id:
        return
    deps = incoming.deps
    try:
        admin = is_admin(deps, incoming.client, incoming.team, user_id)
        shown = home.home_for(
            deps.store, deps.settings, incoming.team, user_id, page, admin, deps.clock.now()
        )
        voice = incoming.speaking_to(user_id) if user_id != incoming.user else voice_now()
        with speaking(voice):  # a hand-off redraws the teammate's Home in their language
            drawn = views.home_view(shown)
        incoming.client.views_publish(user_id=user_id, view=drawn)
    except SlackClientError as error:
        log.warning("could not publish %s's home: %s", user_id, error)
