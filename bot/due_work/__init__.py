"""Handlers for each kind of due work: Slack's side of check-ins, prompts and digests.
Each module has one `register(runner, deps, delivery)`, as each listener module has one
`register(app, deps)`."""

from __future__ import annotations

from bot.delivery import Delivery
from bot.deps import Deps
from bot.runner import Runner

from . import checkins, stories, weekly


def register(runner: Runner, deps: Deps, delivery: Delivery) -> None:
    checkins.register(runner, deps, delivery)
    weekly.register(runner, deps, delivery)
    stories.register(runner, deps, delivery)
