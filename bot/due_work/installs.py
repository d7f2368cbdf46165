"""Deleting an uninstalled workspace's data once its grace period is over."""

from __future__ import annotations

from bot.runner import GiveUp
from bot.services import installs

from .work import Wiring, Work


def register(wiring: Wiring) -> None:
    wiring.register(installs.FORGET_WORKSPACE, forget_workspace)


def forget_workspace(work: Work) -> str | None:
    job = work.job
    if not job.period:
        raise GiveUp(f"{job.kind} {job.id} has no uninstall time")
    forgotten = installs.forget_workspace(work.store, job.team_id, job.period, job.id)
    if forgotten is None:
        return "kept: the app was installed again"
    return f"deleted {forgotten.rows} rows"
