"""What Serve holds: `/serve my data`, `/serve forget me` with its confirming button, an
admin's `/serve export`, and the audit trail admins read with `/serve audit`."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.languages import _
from bot.services import audit, export, privacy
from bot.services.commands import Command
from bot.views import audit as audit_views
from bot.views import commands as command_views
from bot.views import privacy as views
from bot.views.settings import ADMINS_ONLY

from .incoming import Incoming

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.action(views.FORGET_ME)(forget_me)


def serve_my(incoming: Incoming, command: Command) -> None:
    if command.rest.lower() != "data":
        _did_you_mean(incoming, f"my {command.rest}", "my data")
        return
    since = incoming.clock.now() - timedelta(days=7)
    incoming.answer(
        views.my_data(privacy.held(incoming.store, incoming.team, incoming.user, since))
    )


def serve_forget(incoming: Incoming, command: Command) -> None:
    if command.rest.lower() != "me":
        _did_you_mean(incoming, f"forget {command.rest}", "forget me")
        return
    incoming.answer(views.forget_me_confirm())


def forget_me(ack: Ack, incoming: Incoming) -> None:
    """The confirmed "Forget me": all of it, at once; a second click finds nothing."""
    ack()
    done = privacy.forget(incoming.store, incoming.clock, incoming.team, incoming.user)
    answer = views.forgotten(done)
    if incoming.respond is None:
        incoming.show(**answer)
        return
    incoming.respond(replace_original=True, response_type="ephemeral", **answer)


def serve_export(incoming: Incoming, command: Command) -> None:
    if not incoming.is_admin:
        incoming.answer(command_views.said(_(ADMINS_ONLY)))
        return
    incoming.answer(command_views.said(_(command_views.EXPORT_STARTED)))
    table = export.export_csv(
        incoming.store, incoming.clock, incoming.team, can_see_leads=True, by=incoming.user
    )
    try:
        incoming.client.files_upload_v2(
            channel=incoming.directory.dm_channel(incoming.client, incoming.user),
            content=table,
            filename=f"serve-{incoming.team}-{incoming.clock.now():%Y-%m-%d}.csv",
            title=_("Serve export"),
            initial_comment=_(command_views.EXPORT_SENT),
        )
    except SlackApiError as error:
        log.warning("could not send %s their export: %s", incoming.user, error)
        incoming.later(command_views.said(_(command_views.EXPORT_FAILED)))


def serve_audit(incoming: Incoming, command: Command) -> None:
    if not incoming.is_admin:
        incoming.answer(command_views.said(_(audit_views.ADMINS_ONLY)))
        return
    incoming.answer(audit_views.audit_trail(audit.latest(incoming.store, incoming.team)))


def _did_you_mean(incoming: Incoming, typed: str, meant: str) -> None:
    incoming.answer(command_views.help_message(Command("help", unknown=typed, suggestion=meant)))
