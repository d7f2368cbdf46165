"""Deleting an uninstalled workspace's data once its grace period is over."""

from __future__ import annotations

from bot.delivery import Deliveries
from bot.deps import Deps
from bot.runner import GiveUp, Job, Runner
from bot.services import installs


def register(runner: Runner, deps: Deps, deliveries: Deliveries) -> None:
    def forget(job: Job) -> str | None:
        if not job.period:
            raise GiveUp(f"{job.kind} {job.id} has no uninstall time")
        forgotten = installs.forget_workspace(deps.store, job.team_id, job.period, job.id)
        if forgotten is None:
            return "kept: the app was installed again"
        return f"deleted {forgotten.rows} rows"

    runner.register(installs.FORGET_WORKSPACE, forget)
