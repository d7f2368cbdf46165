"""People as the bot sees them when it plans: a Slack time zone, read before a unit of
work starts, and working hours from the workspace's settings."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.deps import Deps
from bot.services.cadence import WorkingHours
from bot.services.checkins import hours_for
from bot.services.deals import Planning
from bot.services.workspaces import settings_for

log = logging.getLogger(__name__)


def tz_of(deps: Deps, client: WebClient, user_id: str) -> str | None:
    """A person's Slack time zone; None (the default zone) when Slack can't say now."""
    try:
        person = deps.directory.person(client, user_id)
    except (SlackClientError, OSError) as error:
        log.warning("no time zone for %s, using the default: %s", user_id, error)
        return None
    return person.tz if person else None


def hours_of(deps: Deps, client: WebClient, team_id: str, user_id: str) -> WorkingHours:
    chosen = settings_for(deps.store, team_id, deps.settings)
    return hours_for(chosen, tz_of(deps, client, user_id))


def is_admin(deps: Deps, client: WebClient, team_id: str, user_id: str) -> bool:
    """A workspace admin or owner, or someone named in SERVE_ADMINS: may change settings,
    export, and read leads-only stories."""
    if user_id in deps.settings.admins:
        return True
    try:
        person = deps.directory.person(client, user_id)
    except (SlackClientError, OSError) as error:
        log.warning("could not tell whether %s is an admin: %s", user_id, error)
        return False
    return bool(person and person.is_admin and not person.deleted)


def planning(deps: Deps, client: WebClient, team_id: str) -> Planning:
    return Planning(
        lambda: settings_for(deps.store, team_id, deps.settings),
        lambda user_id: tz_of(deps, client, user_id),
    )
