"""Slack edge: one module per surface, each with one `register(app, deps)`."""

from slack_bolt import App

from bot.deps import Deps

from . import actions, commands, errors, events, home, inbound, shortcuts, views


def register(app: App, deps: Deps) -> None:
    inbound.register(app, deps)
    errors.register(app, deps)
    events.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    shortcuts.register(app, deps)
    commands.register(app, deps)
    home.register(app, deps)
