"""`/serve`: which subcommand, handed to the feature it belongs to. Every answer is
ephemeral: for the person who asked."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from bot.services.commands import Command, Refusal, parse_command
from bot.views import commands as views

from . import checkins, deals, privacy, settings, stories
from .incoming import Incoming

Subcommand = Callable[[Incoming, Command], None]


def register(app: App) -> None:
    app.command("/serve")(serve)


def serve(incoming: Incoming) -> None:
    command = parse_command(str(incoming.body.get("text") or ""))
    if isinstance(command, Refusal):
        incoming.answer(views.refusal(command))
        return
    SUBCOMMANDS[command.name](incoming, command)


def serve_help(incoming: Incoming, command: Command) -> None:
    incoming.answer(views.help_message(command))


SUBCOMMANDS: dict[str, Subcommand] = {
    "help": serve_help,
    "story": stories.serve_story,
    "checkins": checkins.serve_checkins,
    "deal": deals.serve_deal,
    "timeline": checkins.serve_timeline,
    "digest": stories.serve_digest,
    "pause": settings.serve_pause,
    "resume": settings.serve_resume,
    "settings": settings.serve_settings,
    "export": privacy.serve_export,
    "audit": privacy.serve_audit,
    "my": privacy.serve_my,
    "forget": privacy.serve_forget,
}
