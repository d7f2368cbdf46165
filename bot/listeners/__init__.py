"""Slack edge: one module per feature, each with module-level listeners and one
`register(app)` that wires them. Every listener is handed an `Incoming` (the request
with what answering it needs), which the inbound middleware puts in Bolt's context."""

from slack_bolt import App

from bot.deps import Deps

from . import (
    asking,
    checkins,
    commands,
    deals,
    errors,
    home,
    inbound,
    privacy,
    settings,
    stories,
    workflow,
    workspace,
)


def register(app: App, deps: Deps) -> None:
    inbound.register(app, deps)
    errors.register(app, deps)
    for feature in (deals, asking, checkins, stories, settings, privacy, home, workspace, commands):
        feature.register(app)
    workflow.register(app)
