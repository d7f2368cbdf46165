"""Settings: the workspace's settings form for admins (from `/serve settings` or the
Home tab's button), and a person's own pause (`/serve pause`, `/serve resume`)."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.config import WORKSPACE_SETTINGS
from bot.languages import _
from bot.services import pauses, workspaces
from bot.services.cadence import zone_or_default
from bot.services.commands import Command, Refusal, parse_until
from bot.views import commands as command_views
from bot.views import home as home_views
from bot.views import settings as views

from .incoming import Incoming

ADMINS_ONLY_ON = WORKSPACE_SETTINGS[0].name  # the field the refusal is shown under


def register(app: App) -> None:
    app.action(home_views.OPEN_SETTINGS)(open_settings)
    app.view(views.SETTINGS_MODAL)(settings_saved)


def open_settings(ack: Ack, incoming: Incoming) -> None:
    """The Home tab's Settings button."""
    ack()
    if not incoming.is_admin:
        incoming.client.chat_postMessage(channel=incoming.user, text=_(views.ADMINS_ONLY))
        return
    incoming.open(views.settings_modal(incoming.workspace, incoming.team))


def serve_settings(incoming: Incoming, command: Command) -> None:
    if not incoming.is_admin:
        incoming.answer(command_views.said(_(views.ADMINS_ONLY)))
        return
    incoming.ack()
    incoming.open(views.settings_modal(incoming.workspace, incoming.team))


def settings_saved(ack: Ack, incoming: Incoming) -> None:
    if not incoming.is_admin:
        ack(response_action="errors", errors={ADMINS_ONLY_ON: _(views.ADMINS_ONLY)})
        return
    problems = workspaces.change_settings(
        incoming.store,
        incoming.clock,
        incoming.settings,
        incoming.team,
        _form(incoming),
        incoming.user,
    )
    if problems:
        errors = {field: views.problem_text(p) for field, p in problems.items()}
        ack(response_action="errors", errors=errors)
        return
    incoming.deps.recent_settings.forget(incoming.team)
    ack(response_action="update", view=views.settings_saved())


def _form(incoming: Incoming) -> workspaces.Form:
    """What the admin entered, by setting, as each input reports it."""
    return {d.name: views.entered(d, incoming.field(d.name)) for d in WORKSPACE_SETTINGS}


# -- a person's own pause ------------------------------------------------------------------------


def serve_pause(incoming: Incoming, command: Command) -> None:
    zone = zone_or_default(incoming.workspace.default_timezone)
    today = incoming.clock.now().astimezone(zone).date()
    until = parse_until(command.rest, today)
    if isinstance(until, Refusal):
        incoming.answer(command_views.refusal(until))
        return
    pauses.pause(incoming.store, incoming.clock, incoming.team, incoming.user, until)
    incoming.answer(command_views.paused(until))


def serve_resume(incoming: Incoming, command: Command) -> None:
    pauses.resume(incoming.store, incoming.clock, incoming.team, incoming.user)
    incoming.answer(command_views.resumed())
