"""Handlers for each kind of due work: Slack's side of check-ins, prompts and digests.
Each module has plain functions of one `Work` (the job and what Serve runs on) and one
`register(wiring)`, as each listener module has listeners of one `Incoming` and one
`register(app)`."""

from __future__ import annotations

from bot.delivery import Deliveries
from bot.deps import Deps
from bot.runner import Runner

from . import catch_up, checkins, crm_deals, deal_replies, installs, retention, stories, weekly
from .work import Wiring


def register(runner: Runner, deps: Deps, deliveries: Deliveries) -> None:
    wiring = Wiring(runner, deps, deliveries)
    kinds = (checkins, deal_replies, crm_deals, weekly, stories, installs, catch_up, retention)
    for kind in kinds:
        kind.register(wiring)
