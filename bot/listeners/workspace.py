"""What Slack says about the workspace itself: a person's profile changed, someone
joined, or the app left (uninstalled, or its bot token revoked)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.services import installs

from .incoming import Incoming


def register(app: App) -> None:
    app.event("user_change")(person_changed)
    app.event("team_join")(person_joined)
    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


def person_changed(event: dict[str, Any], incoming: Incoming) -> None:
    """Keep what we know of people fresh: time zones, and away statuses above all."""
    user = event.get("user")
    if isinstance(user, dict) and user.get("id"):
        incoming.directory.learn(user, incoming.team)


def person_joined(event: dict[str, Any], incoming: Incoming) -> None:
    """Someone new is known from the moment they join, without asking Slack about them."""
    person_changed(event, incoming)


def uninstalled(incoming: Incoming) -> None:
    _left(incoming)


def tokens_revoked(event: dict[str, Any], incoming: Incoming) -> None:
    """Without its bot token the app can send a workspace nothing: as uninstalled."""
    if (event.get("tokens") or {}).get("bot"):
        _left(incoming)


def _left(incoming: Incoming) -> None:
    if incoming.team:
        grace = incoming.settings.uninstall_grace_days
        installs.uninstalled(incoming.store, incoming.clock, incoming.team, grace)
