"""Handlers for each kind of due work: Slack's side of check-ins, prompts and digests.
Each module has one `register(runner, deps, deliveries)`, as each listener module has one
`register(app, deps)`."""

from __future__ import annotations

from bot.delivery import Deliveries
from bot.deps import Deps
from bot.runner import Runner

from . import checkins, installs, stories, weekly


def register(runner: Runner, deps: Deps, deliveries: Deliveries) -> None:
    checkins.register(runner, deps, deliveries)
    weekly.register(runner, deps, deliveries)
    stories.register(runner, deps, deliveries)
    installs.register(runner, deps, deliveries)
